/**
 * File mode: files and directories of Kubernetes YAML, watched. Each file keeps its last good
 * objects: a file that no longer parses keeps serving what it held before (the error is reported),
 * and a document that fails validation keeps the last good version of that same object.
 * A deleted file removes its objects. Events are coalesced by the caller (see cli/serve).
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubernetesObject } from '../../apis/meta';
import { CrdSchemas } from '../validation/crd-schemas';
import { parseManifests, SourceError } from './parse';
import { ServerFields } from './server-fields';

export interface FileSourceSnapshot {
  objects: KubernetesObject[];
  errors: SourceError[];
  files: string[];
}

interface FileState {
  mtimeMs: number;
  size: number;
  /** A file replaced by a rename is a new inode, even when size and (coarse) mtime match. */
  ino: number;
  objects: Map<string, KubernetesObject>;
  errors: SourceError[];
}

const MANIFEST = /\.(ya?ml|json)$/;

export class FileSource {
  private readonly files = new Map<string, FileState>();
  /** One watcher per directory below the paths (see `watchTree`). */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly serverFields = new ServerFields();

  constructor(
    private readonly paths: readonly string[],
    private readonly schemas: CrdSchemas,
  ) {}

  /**
   * Re-reads what changed on disk and returns the whole current set. With `changed` (paths the
   * watcher named), only those are looked at, rather than listing and stat-ing every file:
   * at 5,000 route files that scan alone was ~35 ms per change (bench/). A path that is not
   * plainly a manifest file (a directory, an odd name) makes it a full scan, to be safe.
   */
  load(changed?: ReadonlySet<string>): FileSourceSnapshot {
    const only = changed && this.manifestsAmong(changed);
    if (only) {
      for (const file of only) this.refresh(file);
    } else {
      const present = new Set(this.listFiles());
      for (const file of [...this.files.keys()]) if (!present.has(file)) this.files.delete(file);
      for (const file of present) this.refresh(file);
    }
    const objects = new Map<string, KubernetesObject>();
    const errors: SourceError[] = [];
    for (const file of [...this.files.keys()].sort()) {
      const state = this.files.get(file)!;
      for (const [key, obj] of state.objects) objects.set(key, obj);
      errors.push(...state.errors);
    }
    return { objects: this.serverFields.stamp([...objects.values()]), errors, files: [...this.files.keys()].sort() };
  }

  /**
   * Calls `onChange` on any change below the watched paths (callers debounce), with the
   * absolute path the event named, when it named one (pass those to `load`).
   */
  watch(onChange: (changed?: string) => void): void {
    for (const p of this.paths) {
      // Watch directories, not files: editors replace files (rename), which ends a file watch.
      const dir = fs.existsSync(p) && fs.statSync(p).isDirectory() ? p : path.dirname(p);
      this.watchTree(path.resolve(dir), onChange);
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /**
   * One non-recursive watcher per directory rather than `fs.watch(dir, { recursive: true })`:
   * on Linux, Node 20 emulates recursion with a watcher per file, and a file replaced by a
   * rename (how editors and tools save) is seen once and then never again. A directory
   * watcher sees every rename. Directories created later are picked up on the next event.
   */
  private watchTree(dir: string, onChange: (changed?: string) => void): void {
    if (this.watchers.has(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (event, filename) => {
        const name = filename ? filename.toString() : undefined;
        // An event that names nothing: look for new directories the slow way (a listing).
        // A named one: a new directory is a rename, and one stat tells, where listing a
        // directory of 1,000 route files took ~1 ms per event (bench/).
        if (name === undefined) this.watchSubdirectories(dir, onChange);
        else if (event === 'rename') this.watchIfDirectory(path.join(dir, name), onChange);
        // Dot-files (an editor's swap file, the temporary file a tool renames over the real
        // one) are never served: no reload for them, so they do not hold back the rebuild.
        if (name?.startsWith('.')) return;
        onChange(name !== undefined ? path.join(dir, name) : undefined);
      });
    } catch {
      return; // gone already, or unreadable: nothing to watch
    }
    // A deleted directory ends its watcher with an error; forget it (it is re-added if it comes back).
    watcher.on('error', () => {
      watcher.close();
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, watcher);
    this.watchSubdirectories(dir, onChange);
  }

  private watchIfDirectory(entry: string, onChange: (changed?: string) => void): void {
    let isDirectory = false;
    try {
      isDirectory = fs.statSync(entry).isDirectory();
    } catch {
      return; // removed: its watcher ends with an error (see watchTree)
    }
    if (isDirectory) this.watchTree(entry, onChange);
  }

  private watchSubdirectories(dir: string, onChange: (changed?: string) => void): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) this.watchTree(path.join(dir, entry.name), onChange);
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
      if (!MANIFEST.test(name)) return undefined;
      if (this.serves(file)) out.push(file);
    }
    return out;
  }

  /** Whether a scan would list `file`: it is one of the paths, or below a directory among them. */
  private serves(file: string): boolean {
    return this.paths.some((p) => {
      const root = path.resolve(p);
      return file === root || file.startsWith(root + path.sep);
    });
  }

  private listFiles(): string[] {
    const out: string[] = [];
    for (const p of this.paths) {
      if (!fs.existsSync(p)) continue;
      if (fs.statSync(p).isFile()) {
        out.push(path.resolve(p));
        continue;
      }
      for (const entry of fs.readdirSync(p, { recursive: true, withFileTypes: true })) {
        // Editors' temporary files (.foo.swp, foo~) are not manifests.
        if (!entry.isFile() || entry.name.startsWith('.') || !MANIFEST.test(entry.name)) continue;
        out.push(path.resolve(entry.parentPath ?? entry.path, entry.name));
      }
    }
    return out;
  }

  private refresh(file: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      this.files.delete(file);
      return;
    }
    const previous = this.files.get(file);
    if (previous && previous.mtimeMs === stat.mtimeMs && previous.size === stat.size && previous.ino === stat.ino) return;
    const parsed = parseManifests(path.relative(process.cwd(), file) || file, fs.readFileSync(file, 'utf8'), this.schemas);
    const objects = new Map<string, KubernetesObject>();
    for (const o of parsed.objects) objects.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    const unreadable = parsed.errors.some((e) => e.object === undefined);
    if (previous && unreadable) {
      // The file is broken as a whole (or a document lost its identity): keep serving what it held.
      this.files.set(file, { ...previous, mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino, errors: parsed.errors });
      return;
    }
    for (const e of parsed.errors) {
      // An invalid object keeps its last good version, so a typo does not delete working routes.
      const key = e.object ? keyFromDescription(e.object) : undefined;
      const before = key ? previous?.objects.get(key) : undefined;
      if (key && before && !objects.has(key)) objects.set(key, before);
    }
    this.files.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino, objects, errors: parsed.errors });
  }
}

function keyFromDescription(description: string): string {
  const [kind, rest] = description.split(' ');
  const [ns, name] = rest.includes('/') ? rest.split('/') : ['', rest];
  return `${kind}/${ns}/${name}`;
}
