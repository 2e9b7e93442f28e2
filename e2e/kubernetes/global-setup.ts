/**
 * Global setup of the e2e-kubernetes project: one real API server (etcd + kube-apiserver from
 * scripts/kube.sh, Gateway API CRDs installed, and ours from crds/attache) for every test file, in a temporary directory on
 * free ports; KUBECONFIG points the tests and the control planes they start at it. Each test file
 * uses its own namespace, GatewayClass and controllerName, so files do not see each other's
 * objects as theirs. global-teardown.ts stops it; a watchdog (KUBE_OWNER_PID) stops it too if
 * jest dies first.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { build, checkEnvoy } from '../../test/harness/global-setup';
import { freePorts } from '../../test/harness/ports';

const ROOT = path.resolve(__dirname, '../..');
const KUBE_SH = path.join(ROOT, 'scripts/kube.sh');
const START_TIMEOUT_MS = 180_000;
/** An address of scripts/netns.sh's pod network: bindable only inside that namespace. */
const POD_ADDRESS = '10.244.0.1';

function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, address, () => server.close(() => resolve(true)));
  });
}

/**
 * Our CRDs (BackendTrafficPolicy), as the Helm chart installs them; applying them here is also
 * the check that a real API server accepts their schema and CEL rules (cost limits included).
 */
function installOurCrds(env: NodeJS.ProcessEnv, kubeconfigPath: string): void {
  const kubectl = path.join(ROOT, '.cache/bin/kubectl');
  const steps = [
    ['apply', '--server-side', '--force-conflicts', '-f', path.join(ROOT, 'crds/attache')],
    ['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/backendtrafficpolicies.attache.dev'],
  ];
  for (const args of steps) {
    const r = spawnSync(kubectl, ['--kubeconfig', kubeconfigPath, '--request-timeout', '30s', ...args], { env, encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0) {
      spawnSync(KUBE_SH, ['stop'], { env, timeout: 30_000 });
      throw new Error(`e2e-kubernetes: kubectl ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
    }
  }
}

export default async function globalSetup(): Promise<void> {
  checkEnvoy();
  for (const tool of ['kube-apiserver', 'etcd', 'kubectl', 'helm']) {
    if (!fs.existsSync(path.join(ROOT, '.cache/bin', tool))) {
      throw new Error(`e2e-kubernetes: .cache/bin/${tool} is missing; run \`make setup\` (or \`scripts/kube.sh build\`)`);
    }
  }
  if (!(await canBind(POD_ADDRESS))) {
    throw new Error(
      `e2e-kubernetes: cannot bind ${POD_ADDRESS}. The API server refuses loopback EndpointSlice addresses, so these ` +
        'tests run in the private network namespace of scripts/netns.sh: `make test`, or `scripts/netns.sh npx jest --selectProjects e2e-kubernetes`',
    );
  }
  build();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-kube-'));
  const [kubePort, etcdPort, etcdPeerPort] = await freePorts(3);
  const env = {
    ...process.env,
    KUBE_DIR: dir,
    KUBE_PORT: String(kubePort),
    ETCD_PORT: String(etcdPort),
    ETCD_PEER_PORT: String(etcdPeerPort),
    KUBE_OWNER_PID: String(process.pid),
    // Deployments get ReplicaSets and Pods, Services with selectors EndpointSlices, deleted
    // Namespaces are emptied: what the local cluster (tools/local-cluster) runs workloads on.
    // About 2 s more per run (see README); KUBE_CONTROLLER_MANAGER=0 leaves it out.
    KUBE_CONTROLLER_MANAGER: process.env.KUBE_CONTROLLER_MANAGER ?? '1',
  };
  const started = Date.now();
  const result = spawnSync(KUBE_SH, ['start'], { env, encoding: 'utf8', timeout: START_TIMEOUT_MS });
  if (result.status !== 0) {
    spawnSync(KUBE_SH, ['stop'], { env, timeout: 30_000 });
    throw new Error(`e2e-kubernetes: scripts/kube.sh start failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  }
  process.env.KUBECONFIG = path.join(dir, 'kubeconfig');
  installOurCrds(env, process.env.KUBECONFIG);
  process.stderr.write(`e2e-kubernetes: API server on 127.0.0.1:${kubePort} up in ${Date.now() - started} ms (${dir})\n`);
  process.env.ATTACHE_E2E_KUBE_DIR = dir;
  // What scripts/kube.sh needs to stop and start this same server again (api-restart.e2e.ts).
  process.env.ATTACHE_E2E_KUBE_ENV = JSON.stringify({ KUBE_DIR: dir, KUBE_PORT: env.KUBE_PORT, ETCD_PORT: env.ETCD_PORT, ETCD_PEER_PORT: env.ETCD_PEER_PORT });
}
