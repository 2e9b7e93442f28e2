/**
 * `attache serve` in file mode: load, then reload on every change below the paths (coalesced),
 * and hand each good snapshot to `apply`. One load runs at a time; changes seen meanwhile are
 * loaded after it. Two guards stand between the disk and the proxies:
 * - a file written in place is read once it has settled (FileSource), and loaded again later
 *   while it still changes; a file renamed into place is complete and read at once;
 * - a reload that would remove every object where the last applied snapshot had some is
 *   suspect (a volume mid-swap, a checkout in progress, a path briefly gone): it is logged and
 *   held for `emptyHoldMs`, then the paths are scanned again and whatever is there is applied.
 */
import { Coalescer } from './coalescer';
import { type FileSource, type FileSourceSnapshot } from '../sources/file/file-source';
import { formatSkipped, formatSourceError, type SourceError } from '../sources/file/parse';

/** The few log calls the loop makes (a pino Logger fits). */
export interface WatchLoopLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WatchLoopOptions {
  /** Applies a snapshot (store, reconcile); `seenAt`: when its first change was noticed. */
  apply(snapshot: FileSourceSnapshot, seenAt?: number): void;
  log: WatchLoopLog;
  emptyHoldMs: number;
  /** Coalescing: quiet period and longest delay (ms); see coalescer.ts. */
  quietMs?: number;
  maxDelayMs?: number;
}

export class FileWatchLoop {
  /** Files the watcher named since the last load; undefined: scan all. */
  private changed: Set<string> | undefined;
  /** Those of them written in place (they must settle before they are read). */
  private inPlace = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private appliedObjects = 0;
  private heldSince: number | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private errors: SourceError[] = [];
  private reported = new Set<string>();
  private skippedLine: string | undefined;
  private stopped = false;
  private readonly coalescer: Coalescer;

  constructor(
    private readonly source: FileSource,
    private readonly options: WatchLoopOptions,
  ) {
    // 2 ms quiet: the watcher names each file and skips dot-files, so the events of one save
    // (write, then rename) arrive within a millisecond; the settle (FileSource) is what waits
    // for a writer to finish.
    this.coalescer = new Coalescer({ quietMs: options.quietMs ?? 2, maxDelayMs: options.maxDelayMs ?? 200 }, (seenAt) => void this.reload(seenAt));
  }

  /** The first load (a full scan, applied even when empty), then watching. */
  async start(): Promise<void> {
    await this.reload();
    this.source.watch((file, inPlace) => this.notify(file, inPlace));
  }

  /** The input errors of the last load (debug endpoint `/errors`). */
  currentErrors(): SourceError[] {
    return this.errors;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.coalescer.cancel();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.source.close();
    await this.running;
  }

  private notify(file: string | undefined, inPlace = false): void {
    if (file === undefined) this.changed = undefined;
    else this.changed?.add(file);
    if (file !== undefined && inPlace) this.inPlace.add(file);
    this.coalescer.notify();
  }

  private async reload(seenAt?: number): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const changed = this.changed;
    const inPlace = this.inPlace;
    this.changed = new Set();
    this.inPlace = new Set();
    this.running = this.loadAndApply(changed, inPlace, seenAt);
    await this.running;
    this.running = undefined;
    if (this.again && !this.stopped) {
      this.again = false;
      this.coalescer.notify();
    }
  }

  private async loadAndApply(changed: ReadonlySet<string> | undefined, inPlace: ReadonlySet<string>, seenAt: number | undefined): Promise<void> {
    let snap: FileSourceSnapshot;
    try {
      snap = await this.source.load(changed, inPlace);
    } catch (e) {
      // Not expected (every read is guarded); a failed load must not end the process. Scan again.
      this.options.log.error({ err: e instanceof Error ? e.message : String(e) }, 'file source: load failed; retrying with a full scan');
      this.changed = undefined;
      this.again = true;
      return;
    }
    if (snap.unsettled.length > 0) {
      // Still being written: they kept what they served; look again after this load.
      for (const file of snap.unsettled) {
        this.changed?.add(file);
        this.inPlace.add(file);
      }
      this.again = true;
    }
    if (this.holds(snap)) return;
    this.report(snap);
    this.options.apply(snap, seenAt);
    this.appliedObjects = snap.objects.length;
  }

  /** Whether `snap` is an empty set suspected to be transient (held, not applied). */
  private holds(snap: FileSourceSnapshot): boolean {
    const now = Date.now();
    if (snap.objects.length > 0 || this.appliedObjects === 0) {
      this.endHold();
      return false;
    }
    if (this.heldSince === undefined) {
      this.heldSince = now;
      this.options.log.warn(
        { objects: this.appliedObjects, holdMs: this.options.emptyHoldMs, files: snap.files.length },
        `file source: this reload would remove all ${this.appliedObjects} objects; held for ${this.options.emptyHoldMs} ms, then scanned again`,
      );
      this.holdTimer = setTimeout(() => {
        this.holdTimer = undefined;
        this.changed = undefined;
        this.coalescer.notify();
      }, this.options.emptyHoldMs);
      return true;
    }
    if (now - this.heldSince < this.options.emptyHoldMs) return true;
    this.options.log.warn(
      { objects: this.appliedObjects },
      `file source: still no objects after ${this.options.emptyHoldMs} ms; removing all ${this.appliedObjects}`,
    );
    this.endHold();
    return false;
  }

  private endHold(): void {
    this.heldSince = undefined;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** Logs each input error once (while it lasts), and the skipped kinds when they change. */
  private report(snap: FileSourceSnapshot): void {
    this.errors = snap.errors;
    const now = new Set<string>();
    for (const e of snap.errors) {
      const line = formatSourceError(e);
      now.add(line);
      if (!this.reported.has(line)) this.options.log.error({ file: e.file, document: e.document, object: e.object, field: e.field }, line);
    }
    this.reported = now;
    const skipped = formatSkipped(snap.skipped);
    if (skipped !== undefined && skipped !== this.skippedLine)
      this.options.log.info({ files: [...new Set(snap.skipped.map((s) => s.file))].slice(0, 10) }, skipped);
    this.skippedLine = skipped;
  }
}
