/**
 * Lists the manifest files below the served paths (a full scan), asynchronously. Symlinks are
 * followed, to files and to directories alike, exactly as a watch event's path is (a stat follows
 * links): a ConfigMap volume's visible files are symlinks (`x.yaml -> ..data/x.yaml`). Each
 * directory is walked once, by identity (device and inode), so a symlink back to an ancestor (a
 * loop) ends the walk there with an error, and two links to one directory do not serve its files
 * twice. Dot-named entries are never served: editors' swap files, `.git`, and the volume's
 * `..data` and timestamped directories (served through the visible links instead).
 */
import * as fs from 'fs';
import * as path from 'path';
import { type SourceError } from './parse';

export const MANIFEST = /\.(ya?ml|json)$/;

export interface ScanResult {
  /** Absolute paths, as reached (not resolved through links), sorted. */
  files: string[];
  /** Absolute paths of the directories walked: the ones to watch. */
  directories: string[];
  errors: SourceError[];
}

export async function scanManifests(paths: readonly string[], maxFiles: number, displayName: (file: string) => string): Promise<ScanResult> {
  const files = new Set<string>();
  const directories: string[] = [];
  const errors: SourceError[] = [];
  const walked = new Set<string>();
  let overflow = false;
  const add = (file: string): void => {
    if (files.size < maxFiles) files.add(file);
    else overflow = true;
  };
  // Iterative walk: [directory, identities of the directories above it (for loop detection)].
  const stack: Array<[string, ReadonlySet<string>]> = [];
  const realRoots = await Promise.all(paths.map((p) => fs.promises.realpath(p).catch(() => path.resolve(p))));
  const enter = async (dir: string, ancestors: ReadonlySet<string>): Promise<void> => {
    const id = await identity(dir);
    if (id === undefined) return;
    // A link to a directory holding a served path (its parent, `/`) leads back to it: a loop too.
    const real = ancestors.size === 0 ? undefined : await fs.promises.realpath(dir).catch(() => undefined);
    const holdsRoot = real !== undefined && realRoots.some((r) => r !== real && r.startsWith(real.endsWith(path.sep) ? real : real + path.sep));
    if (ancestors.has(id) || holdsRoot) {
      errors.push({ file: displayName(dir), document: 0, message: 'symlink loop: this directory links back to one above it; not followed' });
      return;
    }
    if (walked.has(id)) return; // reached through another link: served once, under the first path
    walked.add(id);
    stack.push([dir, new Set([...ancestors, id])]);
  };
  for (const p of paths) {
    const root = path.resolve(p);
    const s = await statOrUndefined(root);
    if (s === undefined) continue; // serve waits for a path that does not exist yet
    if (s.isDirectory()) await enter(root, new Set());
    else add(root); // named explicitly: read (and refused there if it is not a regular file)
  }
  while (stack.length > 0) {
    const [dir, ancestors] = stack.pop()!;
    directories.push(dir);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // removed meanwhile, or unreadable: nothing to serve from it
    }
    // Sorted, so which of two links to one directory serves it does not depend on the file system.
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await statOrError(full);
        if (target === 'loop') {
          if (MANIFEST.test(entry.name)) add(full); // the read reports the loop, as on a watch event
          continue;
        }
        if (target === undefined) continue; // dangling: as if absent
        isDirectory = target.isDirectory();
      }
      if (isDirectory) await enter(full, ancestors);
      else if (MANIFEST.test(entry.name)) add(full);
    }
  }
  if (overflow) {
    errors.push({ file: paths.join(', '), document: 0, message: `more than ${maxFiles} manifest files; only the first ${maxFiles} are served` });
  }
  return { files: [...files].sort(), directories: directories.sort(), errors };
}

async function identity(dir: string): Promise<string | undefined> {
  const s = await statOrUndefined(dir);
  return s?.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
}

async function statOrUndefined(p: string): Promise<fs.Stats | undefined> {
  const s = await statOrError(p);
  return s === 'loop' ? undefined : s;
}

async function statOrError(p: string): Promise<fs.Stats | 'loop' | undefined> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : undefined;
  }
}
