/**
 * Every process the local node starts (echo servers, Envoys), so that none outlives it: on exit,
 * however it comes (a bounded stop that ran out of time, an uncaught error), whatever is still
 * alive gets SIGKILL. 'exit' handlers must be synchronous, so a plain kill is all they can do.
 */
import type { ChildProcess } from 'child_process';

const live = new Set<ChildProcess>();
let hooked = false;

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  return child;
}
