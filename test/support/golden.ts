/**
 * Golden files: one YAML in, one YAML out per case. `UPDATE_GOLDEN=1 npm test` rewrites the
 * outputs and deletes outputs whose input is gone; otherwise a difference fails the test.
 * Review the diff of every rewritten output before committing it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** The case names (`<case>.in.yaml`) in a testdata folder; deletes orphaned outputs when updating. */
export function goldenCases(dir: string): string[] {
  const files = fs.readdirSync(dir);
  const cases = files.filter((f) => f.endsWith('.in.yaml')).map((f) => f.slice(0, -'.in.yaml'.length)).sort();
  if (UPDATE_GOLDEN) {
    for (const f of files.filter((f) => f.endsWith('.out.yaml'))) {
      if (!cases.includes(f.slice(0, -'.out.yaml'.length))) fs.unlinkSync(path.join(dir, f));
    }
  }
  return cases;
}

export function readInput(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8');
}

/** Compares `actual` with `<case>.out.yaml` (or writes it when updating). */
export function expectGolden(dir: string, name: string, actual: string): void {
  const file = path.join(dir, `${name}.out.yaml`);
  if (UPDATE_GOLDEN || !fs.existsSync(file)) {
    fs.writeFileSync(file, actual);
    if (!UPDATE_GOLDEN) throw new Error(`${file} did not exist and was written; review it and run again`);
    return;
  }
  expect(actual).toEqual(fs.readFileSync(file, 'utf8'));
}
