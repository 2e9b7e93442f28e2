/**
 * A local cluster node (tools/local-cluster) of a test's own on the shared API server: Pods of
 * Envoy and control-plane images as processes, LoadBalancer addresses, no per-Gateway Envoys of
 * its own. Only the test's namespaces: Pods other tests left Pending are not ours to run.
 */
import * as path from 'path';
import { ROOT, spawnTracked, type TrackedProcess, waitFor } from '../../test/harness';
import { kubectl } from '../../test/harness/kubernetes';

export async function startLocalCluster(workDir: string, namespaces: readonly string[]): Promise<TrackedProcess> {
  const cluster = spawnTracked('local-cluster', process.execPath, [
    path.join(ROOT, 'dist/tools/local-cluster/main.js'),
    '--kubeconfig',
    process.env.KUBECONFIG!,
    '--work-dir',
    workDir,
    '--gateway-proxies=false',
    `--namespaces=${namespaces.join(',')}`,
    '--log-level',
    'info',
  ]);
  await waitFor(
    async () => (await kubectl(['get', 'node', 'local-node', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).catch(() => '')) === 'True',
    { timeoutMs: 30_000, description: 'local-node Ready' },
  );
  return cluster;
}
