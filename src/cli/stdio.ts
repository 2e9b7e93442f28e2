/**
 * The `attache` process's stdout and stderr behave as a Unix tool's: nothing written is lost
 * when the process exits, and a reader that goes away (`attache translate | head`) ends the
 * output quietly instead of with a stack trace.
 *
 * Why this is needed: on Linux, Node writes to a pipe synchronously only as far as the pipe has
 * room (64 KiB); the rest waits in the stream's queue until the reader catches up.
 * `process.exit()` drops that queue, so `attache translate -f DIR | wc -c` counted 64 or 128 KiB
 * of a 900 KB translation. And a write to a pipe whose reader has exited fails with EPIPE, an
 * 'error' event nobody listened to, which Node turns into an uncaught exception.
 *
 * No bound on the wait: a reader that stops reading holds the process as it would hold `cat`;
 * the output is what the user asked for, and dropping it would be the bug again.
 */

type StdStream = NodeJS.WriteStream;

const guarded = new WeakSet<StdStream>();
/** Set when stdout or stderr failed for another reason than a closed pipe (a full disk, EIO). */
let writeFailed = false;

/**
 * Listens for errors on stdout and stderr (once each): EPIPE, a reader gone, ends that stream's
 * output (the stream is destroyed, later writes are dropped); any other error (a full disk)
 * makes the exit code 1 and, for stdout, is said on stderr (never on stdout, which is data).
 */
export function guardStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') return;
      writeFailed = true;
      if (stream === process.stdout && !process.stderr.destroyed) process.stderr.write(`attache: cannot write stdout: ${e.message}\n`);
    });
  }
}

/** Resolves once everything written to `stream` so far has reached the OS (or cannot). */
function flushed(stream: StdStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  // Writes complete in order: the callback of an empty write runs after every earlier chunk.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The exit code the process ends with: the command's, or 1 if its output could not be written. */
function exitCodeAfterOutput(code: number): number {
  return writeFailed && code === 0 ? 1 : code;
}

/** Exits with `code` once stdout and stderr have drained (the only way `attache` exits). */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // A write to a file (stdout redirected to a file or /dev/full) fails synchronously, but its
  // 'error' event comes on process.nextTick, and nextTick callbacks wait while promise
  // continuations keep running: without one turn of the event loop, the process would exit
  // before hearing that its output was lost, with code 0.
  await new Promise<void>((resolve) => setImmediate(resolve));
  process.exit(exitCodeAfterOutput(code));
}
