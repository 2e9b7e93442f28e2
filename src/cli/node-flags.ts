/**
 * The V8 flags `attache` runs with, wherever it runs: the first line of bin/attache.js (the
 * executable users and the Helm chart's image start; node-flags.test.ts keeps the two equal),
 * `make demo`, the e2e harness and the benchmark. Flags cannot be set from inside the process:
 * V8 sizes its heap before any of our code runs.
 *
 * --max-semi-space-size=2 (MiB): V8's young generation otherwise grows to two 16 MiB
 * semi-spaces under translation's short-lived allocations (YAML parsing, IR, Envoy JSON) and
 * keeps them resident, ~30 MiB of RSS for objects that die young anyway. With 2 MiB, more
 * scavenges run, each shorter (bench/: RSS and propagation at 1,000 routes, README Benchmarks).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The first line bin/attache.js must have so that running it directly applies NODE_FLAGS. */
export function shebang(): string {
  return `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;
}
