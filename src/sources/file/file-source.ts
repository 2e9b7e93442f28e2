/**
 * File mode: files and directories of Kubernetes YAML, watched. Each file keeps its last good
 * objects: a file that no longer parses keeps serving what it held before (the error is reported),
 * and a document that fails validation keeps the last good version of that same object.
 * A deleted file removes its objects. Events are coalesced by the caller (see runner/file-watch-loop.ts).
 *
 * Files are untrusted: every read is asynchronous and bounded (limits.ts, read-file.ts), only
 * regular files are read, and a file written in place is read only once it has stopped changing
 * for `settleMs` (a file caught half-written is not applied; README "File mode").
 */
import * as fs from 'fs';
import * as path from 'path';
import { type KubernetesObject } from '../../apis/meta';
import { storeKey } from '../../store/store';
import { type CrdSchemas } from '../validation/crd-schemas';
import { FILE_LIMITS, type FileLimits } from './limits';
import { type ParsedFile, parseManifestsInSlices, type SkippedObject, type SourceError } from './parse';
import { type FileStamp, readManifest, sameStamp, statManifest, statManifests, type StatResult } from './read-file';
import { MANIFEST, scanManifests } from './scan';
import { ServerFields } from './server-fields';

export interface FileSourceOptions {
  /**
   * How long (ms) a changed file must stay unchanged before it is read; 0 reads at once (offline
   * commands). A file replaced by a rename (named in `load`'s `changed` but not in `inPlace`) is
   * complete when it appears and is read at once.
   */
  settleMs?: number;
  limits?: FileLimits;
  /** How the settle waits (a timer); tests pass one that writes to the file meanwhile. */
  wait?: (ms: number) => Promise<void>;
}

export interface FileSourceSnapshot {
  objects: KubernetesObject[];
  errors: SourceError[];
  /** Objects of kinds Attaché does not consume, left out (one info line, see formatSkipped). */
  skipped: SkippedObject[];
  files: string[];
  /** Changed files not read because they were still changing: load them again. */
  unsettled: string[];
}

interface Located {
  object: KubernetesObject;
  document: number;
}

interface FileState {
  /** The version read; undefined when the file could not be read (its error says why). */
  stamp?: FileStamp;
  objects: Map<string, Located>;
  errors: SourceError[];
  skipped: SkippedObject[];
}

export class FileSource {
  private readonly files = new Map<string, FileState>();
  /** The directories the last full scan walked: what is watched, and where a new file is served. */
  private directories = new Set<string>();
  private scanned = false;
  private scanErrors: SourceError[] = [];
  /** Object key → the file that served it last: on a duplicate, that file keeps it. */
  private owners = new Map<string, string>();
  /** One watcher per directory (see `syncWatchers`). */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private onChange: ((changed?: string, inPlace?: boolean) => void) | undefined;
  private readonly serverFields = new ServerFields();
  private readonly settleMs: number;
  private readonly limits: FileLimits;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly roots: string[];

  constructor(
    paths: readonly string[],
    private readonly schemas: CrdSchemas,
    options: FileSourceOptions = {},
  ) {
    this.roots = paths.map((p) => path.resolve(p));
    this.settleMs = options.settleMs ?? 0;
    this.limits = options.limits ?? FILE_LIMITS;
    this.wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Re-reads what changed on disk and returns the whole current set. With `changed` (paths the
   * watcher named), only those are looked at, rather than listing and stat-ing every file:
   * at 5,000 route files that scan alone was ~35 ms per change (bench/). A path that is not
   * plainly a manifest file (a directory, an odd name) makes it a full scan, to be safe.
   *
   * `inPlace`: the files among `changed` that were written in place (a watch `change` event), which
   * must settle; the others were renamed into place (an atomic save) and are read at once. Without
   * it, and on a full scan, every changed file must settle.
   */
  async load(changed?: ReadonlySet<string>, inPlace?: ReadonlySet<string>): Promise<FileSourceSnapshot> {
    let candidates = changed && this.manifestsAmong(changed);
    let stats = new Map<string, StatResult>();
    if (candidates) {
      for (const file of candidates) {
        const s = await statManifest(file);
        if (s.kind === 'directory') {
          candidates = undefined; // a directory named like a manifest: what is below it is served
          break;
        }
        stats.set(file, s);
      }
    }
    const fullScan = !candidates;
    if (!candidates) {
      const scan = await scanManifests(this.roots, this.limits.maxFiles, displayName);
      this.scanErrors = scan.errors;
      this.directories = new Set(scan.directories);
      this.scanned = true;
      this.syncWatchers();
      const present = new Set(scan.files);
      for (const file of [...this.files.keys()]) if (!present.has(file)) this.files.delete(file);
      candidates = scan.files;
      stats = await statManifests(candidates);
    }
    const pending: Array<[string, FileStamp]> = [];
    for (const file of candidates) {
      const s = stats.get(file)!;
      if (s.kind === 'gone' || s.kind === 'directory') this.files.delete(file);
      else if (s.kind === 'unreadable') this.fail(file, s.message, undefined);
      else if (!sameStamp(this.files.get(file)?.stamp, s.stamp)) pending.push([file, s.stamp]);
    }
    const unsettled: string[] = [];
    const mustSettle = pending.filter(([file]) => fullScan || !inPlace || inPlace.has(file));
    if (this.settleMs > 0 && mustSettle.length > 0) {
      // The stability rule: a file whose size, mtime or inode changes across the settle is still
      // being written; it keeps what it served and is looked at again (see `unsettled`).
      await this.wait(this.settleMs);
      const after = await statManifests(mustSettle.map(([file]) => file));
      for (const [file, stamp] of mustSettle) {
        const s = after.get(file)!;
        if (s.kind === 'file' && sameStamp(s.stamp, stamp)) continue;
        pending.splice(
          pending.findIndex(([f]) => f === file),
          1,
        );
        unsettled.push(file);
      }
    }
    for (const [file, stamp] of pending) {
      const r = await readManifest(file, stamp, this.limits.maxFileBytes);
      if (r.kind === 'read') this.parsed(file, await parseManifestsInSlices(displayName(file), r.text, this.schemas, this.limits), r.stamp);
      else if (r.kind === 'gone') this.files.delete(file);
      else if (r.kind === 'changed') unsettled.push(file);
      else this.fail(file, r.message, stamp);
    }
    return this.snapshot(unsettled.sort());
  }

  /**
   * Calls `onChange` on any change below the watched paths (callers debounce), with the
   * absolute path the event named, when it named one (pass those to `load`); undefined asks
   * for a full scan. `inPlace`: the event was a write to the file (not a rename into place).
   * The directories watched are those the last full scan walked.
   */
  watch(onChange: (changed?: string, inPlace?: boolean) => void): void {
    this.onChange = onChange;
    this.syncWatchers();
  }

  close(): void {
    this.onChange = undefined;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Every file's objects, a key served once: a duplicate is an error naming both files. */
  private snapshot(unsettled: string[]): FileSourceSnapshot {
    const byKey = new Map<string, Array<{ file: string } & Located>>();
    const errors: SourceError[] = [...this.scanErrors];
    const skipped: SkippedObject[] = [];
    const files = [...this.files.keys()].sort();
    for (const file of files) {
      const state = this.files.get(file)!;
      for (const [key, located] of state.objects) {
        const list = byKey.get(key);
        if (list) list.push({ file, ...located });
        else byKey.set(key, [{ file, ...located }]);
      }
      errors.push(...state.errors);
      skipped.push(...state.skipped);
    }
    const objects: KubernetesObject[] = [];
    const owners = new Map<string, string>();
    for (const [key, list] of byKey) {
      // Whoever served the object keeps it, so adding a copy elsewhere changes nothing that runs.
      const owner = list.find((l) => l.file === this.owners.get(key)) ?? list[0];
      owners.set(key, owner.file);
      objects.push(owner.object);
      for (const other of list) {
        if (other === owner) continue;
        errors.push({
          file: displayName(other.file),
          document: other.document,
          object: describeObject(other.object),
          field: 'metadata.name',
          message: `duplicate: ${describeObject(other.object)} is also defined in ${displayName(owner.file)} (document ${owner.document}), which is served; this copy is ignored`,
        });
      }
    }
    this.owners = owners;
    return { objects: this.serverFields.stamp(objects), errors, skipped, files, unsettled };
  }

  /** A file that cannot be read: it keeps what it served, with the error. */
  private fail(file: string, message: string, stamp: FileStamp | undefined): void {
    const previous = this.files.get(file);
    this.files.set(file, {
      stamp,
      objects: previous?.objects ?? new Map(),
      errors: [{ file: displayName(file), document: 0, message }],
      skipped: previous?.skipped ?? [],
    });
  }

  private parsed(file: string, parsed: ParsedFile, stamp: FileStamp): void {
    const previous = this.files.get(file);
    const name = displayName(file);
    const errors = parsed.errors;
    const objects = new Map<string, Located>();
    parsed.objects.forEach((object, i) => {
      const key = objectKey(object);
      const document = parsed.documents[i];
      const first = objects.get(key);
      if (first) {
        errors.push({
          file: name,
          document,
          object: describeObject(object),
          field: 'metadata.name',
          message: `duplicate: ${describeObject(object)} is also defined in document ${first.document} of this file; this copy is ignored`,
        });
        return;
      }
      objects.set(key, { object, document });
    });
    const unreadable = errors.some((e) => e.object === undefined);
    if (previous && unreadable) {
      // The file is broken as a whole (or a document lost its identity): keep serving what it held.
      this.files.set(file, { ...previous, stamp, errors });
      return;
    }
    for (const e of errors) {
      // An invalid object keeps its last good version, so a typo does not delete working routes.
      const key = e.object ? keyFromDescription(e.object) : undefined;
      const before = key ? previous?.objects.get(key) : undefined;
      if (key && before && !objects.has(key)) objects.set(key, before);
    }
    this.files.set(file, { stamp, objects, errors, skipped: parsed.skipped });
  }

  /**
   * The manifest files among `changed` that this source serves, or undefined when a full scan
   * is needed (a path that may be a directory). Editors' dot-files are skipped, as in a scan.
   */
  private manifestsAmong(changed: ReadonlySet<string>): string[] | undefined {
    const out: string[] = [];
    for (const file of changed) {
      const name = path.basename(file);
      if (name.startsWith('.')) continue;
      if (this.roots.includes(file)) out.push(file);
      else if (!this.directories.has(path.dirname(file)) && !this.roots.includes(path.dirname(file)))
        continue; // not below what is served
      else if (!MANIFEST.test(name)) return undefined;
      else out.push(file);
    }
    return out;
  }

  /** Watchers on exactly the walked directories, plus the parent of each path that is not one. */
  private syncWatchers(): void {
    if (!this.onChange) return;
    const wanted = new Set(this.directories);
    // Before the first scan, the paths themselves; the scan then adds what is below them.
    for (const root of this.roots) if (!this.directories.has(root)) wanted.add(this.scanned || !isDirectory(root) ? path.dirname(root) : root);
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) this.watchDirectory(dir);
  }

  /**
   * One non-recursive watcher per directory rather than `fs.watch(dir, { recursive: true })`:
   * on Linux, Node 20 emulates recursion with a watcher per file, and a file replaced by a
   * rename (how editors and tools save) is seen once and then never again. A directory
   * watcher sees every rename.
   */
  private watchDirectory(dir: string): void {
    if (this.watchers.has(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (event, filename) => this.event(dir, event, filename?.toString()));
    } catch {
      return; // gone already, or unreadable: nothing to watch
    }
    // A deleted directory ends its watcher with an error; forget it (it is re-added if it comes back).
    watcher.on('error', () => {
      watcher.close();
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, watcher);
  }

  private event(dir: string, event: string, name: string | undefined): void {
    const onChange = this.onChange;
    if (!onChange) return;
    // An event that names nothing: scan everything.
    if (name === undefined) return onChange(undefined);
    const full = path.join(dir, name);
    if (name.startsWith('.')) {
      // Dot-files (an editor's swap file, the temporary file a tool renames over the real one)
      // are never served: no reload for them. But a dot-named link or directory is how a
      // Kubernetes volume swaps its content (`..data` renamed to a new timestamped directory):
      // the visible files' links now lead elsewhere without any event naming them, so scan.
      if (isLinkOrDirectory(full)) onChange(undefined);
      return;
    }
    // A new directory below what is served: watch it at once, so files written into it before
    // the scan (which this event causes) are seen; the scan then settles what is watched.
    if (event === 'rename' && (this.directories.has(dir) || this.roots.includes(dir)) && isDirectory(full)) this.watchDirectory(full);
    // `rename`: created, deleted or renamed into place; `change`: written (or touched) in place.
    onChange(full, event === 'change');
  }
}

function isLinkOrDirectory(p: string): boolean {
  try {
    const s = fs.lstatSync(p);
    return s.isSymbolicLink() || s.isDirectory();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function displayName(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

function objectKey(o: KubernetesObject): string {
  return storeKey(o.kind, o.metadata.namespace, o.metadata.name);
}

function describeObject(o: KubernetesObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

function keyFromDescription(description: string): string {
  const [kind, rest] = description.split(' ');
  const [ns, name] = rest.includes('/') ? rest.split('/') : ['', rest];
  return storeKey(kind, ns, name);
}
