/** Stops the API server of global-setup.ts and removes its directory (etcd data, certificates). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const KUBE_SH = path.resolve(__dirname, '../../scripts/kube.sh');

export default function globalTeardown(): void {
  const dir = process.env.ATTACHE_E2E_KUBE_DIR;
  if (!dir) return;
  spawnSync(KUBE_SH, ['stop'], { env: { ...process.env, KUBE_DIR: dir }, timeout: 60_000, stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
}
