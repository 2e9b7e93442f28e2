/**
 * Level-triggered reconciling: `reconcile` reads the whole current state (a list) and acts on
 * it. It runs when a watch on the given collections reports anything, and every `resyncMs`
 * anyway, never twice at once; a kick during a run queues exactly one more run. Simpler than an
 * informer cache, and enough for the few dozen objects of a conformance run.
 */
import type { Logger } from 'pino';
import { type KubeClient } from '../../src/sources/kubernetes/kube-client';

export interface ReconcileLoop {
  kick(): void;
  stop(): Promise<void>;
}

const WATCH_RETRY_MS = 1000;

export function startReconcileLoop(
  client: KubeClient,
  watchPaths: readonly string[],
  reconcile: () => Promise<void>,
  resyncMs: number,
  log: Logger,
): ReconcileLoop {
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  let again = false;
  const kick = (): void => {
    if (abort.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await reconcile();
        } catch (e) {
          log.warn({ err: (e as Error).message }, 'reconcile failed; retrying on the next event or resync');
        }
      } while (again && !abort.signal.aborted);
      running = undefined;
    })();
  };
  const watchers = watchPaths.map(async (path) => {
    while (!abort.signal.aborted) {
      try {
        await client.watch(path, { timeoutSeconds: 300, allowWatchBookmarks: false }, () => kick(), { signal: abort.signal, idleTimeoutMs: 330_000 });
      } catch (e) {
        log.debug({ path, err: (e as Error).message }, 'watch ended');
      }
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, WATCH_RETRY_MS));
    }
  });
  const timer = setInterval(kick, resyncMs);
  kick();
  return {
    kick,
    stop: async () => {
      abort.abort();
      clearInterval(timer);
      await Promise.all(watchers);
      await running;
    },
  };
}
