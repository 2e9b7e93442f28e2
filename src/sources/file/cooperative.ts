/**
 * Long parses in slices: work written as a generator that yields between small units (a few
 * thousand YAML tokens, one document) runs either at once (`runToEnd`, for offline commands and
 * tests) or in slices of about `sliceMs` with the event loop let run between them
 * (`runInSlices`, for `serve`: parsing a large file must not stall xDS for seconds).
 */
export type Steps<T> = Generator<void, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runInSlices<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
