/**
 * The bounds on what file mode reads (README "File mode"). Files are untrusted input: each bound
 * keeps one hostile or broken file from stalling the event loop, exhausting memory or the stack.
 * A file past a bound is an error naming it, and keeps serving what it held before.
 */
export interface FileLimits {
  /**
   * Bytes per file. A Kubernetes object is at most ~1.5 MiB (the API server's request limit), and
   * a Gateway API CRD install file ~1 MiB; 4 MiB holds either with room. Parsing 4 MiB of YAML
   * takes seconds of CPU, which is why larger is refused rather than read.
   */
  maxFileBytes: number;
  /** YAML documents per file (`---` separated). */
  maxDocuments: number;
  /**
   * Nesting depth of collections. Gateway API objects nest ~10 deep and CRD schemas ~50; the YAML
   * library's composer is recursive and 10,000 levels of `- - - …` (20 kB) exhaust the process.
   */
  maxDepth: number;
  /** Alias nodes (`*name`) resolved per document: the guard against expansion ("billion laughs"). */
  maxAliasCount: number;
  /** Manifest files per source (a full scan lists at most this many; the rest are an error). */
  maxFiles: number;
}

export const FILE_LIMITS: FileLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxDocuments: 10_000,
  maxDepth: 100,
  maxAliasCount: 100,
  maxFiles: 20_000,
};

/**
 * A changed file is read only once its size, mtime and inode are unchanged across this many
 * milliseconds (and unchanged while it was read): a file caught half-written is not applied.
 */
export const DEFAULT_SETTLE_MS = 50;

/**
 * A reload that finds no object at all where the last applied one had some is held this long and
 * checked again before it is applied (a volume being swapped, a checkout in progress).
 */
export const DEFAULT_EMPTY_HOLD_MS = 2000;
