/**
 * Jest globalSetup for the e2e project: fail fast, with a useful message, before any test
 * starts processes.
 *  - Envoy must be installed by `make setup` (scripts/setup.sh) into .cache/bin.
 *  - dist/ must match the sources, because tests start the control plane as a real process
 *    from dist/src/cli/main.js; a stale build would test yesterday's code.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const ENVOY = path.join(ROOT, '.cache/bin/envoy');
// The local compiler, not `npx tsc`: same binary, without npx's resolution overhead.
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const TSC_TIMEOUT_MS = 180_000;

export function checkEnvoy(): void {
  try {
    fs.accessSync(ENVOY, fs.constants.X_OK);
  } catch {
    throw new Error(`e2e: ${path.relative(ROOT, ENVOY)} is missing; run \`make setup\` first (installs Envoy, grpcurl, ghz)`);
  }
}

/** Builds dist/ once per jest run, however many projects' global setups ask for it. */
export function build(): void {
  if (process.env.ATTACHE_E2E_BUILT === '1') return;
  const started = Date.now();
  const result = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: TSC_TIMEOUT_MS,
  });
  if (result.error) throw new Error(`e2e: tsc did not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`e2e: \`tsc -p tsconfig.json\` failed, dist/ would be stale:\n${result.stdout}${result.stderr}`);
  }
  process.stderr.write(`\ne2e: dist/ rebuilt in ${Date.now() - started} ms\n`);
  process.env.ATTACHE_E2E_BUILT = '1';
}

export default function globalSetup(): void {
  checkEnvoy();
  build();
}
