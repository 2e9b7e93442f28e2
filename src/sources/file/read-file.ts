/**
 * Reads one manifest file without blocking the event loop and without trusting what is at the
 * path: only a regular file (symlinks followed) within the size limit is read. A FIFO would
 * block a read forever, `/dev/zero` never ends, a directory cannot be read: each is an error
 * naming what it is. The file is opened non-blocking (a FIFO swapped in after the stat cannot
 * hang the open), checked again on the open descriptor, and read to at most the limit plus one
 * byte, so a file that grows while read is caught rather than followed.
 */
import * as fs from 'fs';

/** What identifies one version of a file: a change to any of these is a new version. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** A file replaced by a rename is a new inode, even when size and (coarse) mtime match. */
  ino: number;
  dev: number;
}

export type StatResult =
  | { kind: 'file'; stamp: FileStamp }
  | { kind: 'directory' }
  | { kind: 'gone' }
  /** Not readable as a manifest: a FIFO, device, socket, a symlink loop, no permission. */
  | { kind: 'unreadable'; message: string };

export type ReadResult =
  | { kind: 'read'; text: string; stamp: FileStamp }
  | { kind: 'gone' }
  /** The file changed between the stat and the end of the read: read it again once it settles. */
  | { kind: 'changed' }
  | { kind: 'unreadable'; message: string };

function stampOf(s: fs.Stats): FileStamp {
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev };
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

/** What is at `file`, symlinks followed. */
export async function statManifest(file: string): Promise<StatResult> {
  let s: fs.Stats;
  try {
    s = await fs.promises.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone' };
    if (code === 'ELOOP') return { kind: 'unreadable', message: 'symlink loop: the link never reaches a file' };
    return { kind: 'unreadable', message: `cannot stat: ${code ?? (e as Error).message}` };
  }
  if (s.isDirectory()) return { kind: 'directory' };
  if (!s.isFile()) return { kind: 'unreadable', message: `not a regular file (${typeName(s)}); only regular files are read` };
  return { kind: 'file', stamp: stampOf(s) };
}

/** statManifest for many files, a bounded number at a time (a full scan of thousands of files). */
export async function statManifests(files: readonly string[], concurrency = 32): Promise<Map<string, StatResult>> {
  const out = new Map<string, StatResult>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      out.set(file, await statManifest(file));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

/**
 * Reads `file` when it is still the version `expected` (from statManifest) and within `maxBytes`.
 */
export async function readManifest(file: string, expected: FileStamp, maxBytes: number): Promise<ReadResult> {
  if (expected.size > maxBytes) return { kind: 'unreadable', message: tooLarge(expected.size, maxBytes) };
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone' };
    return { kind: 'unreadable', message: `cannot open: ${code ?? (e as Error).message}` };
  }
  try {
    const before = await handle.stat();
    if (!before.isFile()) return { kind: 'unreadable', message: `not a regular file (${typeName(before)}); only regular files are read` };
    if (!sameStamp(stampOf(before), expected)) return { kind: 'changed' };
    // One byte more than expected: reading it means the file grew since the stat.
    const buffer = Buffer.alloc(Math.min(expected.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const after = await handle.stat();
    if (length !== expected.size || !sameStamp(stampOf(after), expected)) return { kind: 'changed' };
    return { kind: 'read', text: buffer.toString('utf8', 0, length), stamp: expected };
  } finally {
    await handle.close();
  }
}

function tooLarge(size: number, maxBytes: number): string {
  return `file is ${size} bytes, more than the limit of ${maxBytes} bytes (${maxBytes / (1024 * 1024)} MiB); split it`;
}

function typeName(s: fs.Stats): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a directory';
  return 'not a file';
}
