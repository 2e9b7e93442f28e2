/**
 * Where tests find the upstream Gateway API conformance manifests (`tests/*.yaml`,
 * `base/manifests.yaml`): the Go module sigs.k8s.io/gateway-api/conformance at the version
 * e2e/conformance/upstream/go.mod pins (the suite `make test` runs is built from the same
 * module). `scripts/setup.sh conformance` (part of `make setup` and `make test`) downloads it
 * from the Go module proxy, checked against the Go checksum database, and links
 * .cache/gateway-api-conformance to it; the files are read unchanged.
 * Test-only: production code never imports this file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../../src/project-root';

const UPSTREAM_CONFORMANCE_DIR = path.join(PROJECT_ROOT, '.cache/gateway-api-conformance');

/** The folder, or an error that says how to get it (rather than a bare ENOENT on some file). */
export function upstreamConformanceDir(): string {
  if (!fs.existsSync(path.join(UPSTREAM_CONFORMANCE_DIR, 'base/manifests.yaml'))) {
    throw new Error(
      `${path.relative(PROJECT_ROOT, UPSTREAM_CONFORMANCE_DIR)} has no upstream conformance manifests: ` +
        'run `make setup` (or `bash scripts/setup.sh conformance`), which downloads sigs.k8s.io/gateway-api/conformance from the Go module proxy',
    );
  }
  return UPSTREAM_CONFORMANCE_DIR;
}
