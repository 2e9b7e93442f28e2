/**
 * The change loop of `attache serve` in file mode: load the paths, then reload on every change
 * below them (file-watch-loop.ts) into the Store, and rebuild when the objects changed.
 */
import type { Logger } from 'pino';
import { FileSource } from '../sources/file/file-source';
import { DEFAULT_EMPTY_HOLD_MS } from '../sources/file/limits';
import { FileWatchLoop } from './file-watch-loop';
import type { CrdSchemas } from '../sources/validation/crd-schemas';
import type { Store } from '../store/store';
import type { Reconciler } from './reconciler';
import type { RunningSource } from './running-source';

export interface FileRunnerOptions {
  paths: string[];
  /** See sources/file/limits.ts: how long a file written in place must stay unchanged. */
  settleMs: number;
  schemas: CrdSchemas;
  store: Store;
  reconciler: Reconciler;
  log: Logger;
}

export async function startFileRunner(o: FileRunnerOptions): Promise<RunningSource> {
  const loop = new FileWatchLoop(new FileSource(o.paths, o.schemas, { settleMs: o.settleMs }), {
    log: o.log,
    emptyHoldMs: DEFAULT_EMPTY_HOLD_MS,
    apply: (snap, seenAt) => {
      if (o.store.replaceAll(snap.objects) || !o.reconciler.ready()) o.reconciler.reconcile(seenAt);
    },
  });
  await loop.start();
  return { errors: () => loop.currentErrors(), stop: () => loop.stop() };
}
