/**
 * `node dist/tools/local-cluster/main.js`: the node side of the container-less local cluster that
 * scripts/conformance-upstream.sh runs the upstream conformance suite on. One process, two jobs:
 *  - the local kubelet (kubelet.ts): one Node, Pods run as local echo-basic processes;
 *  - the gateway infrastructure (gateway-proxies.ts): one Envoy per Gateway of our classes.
 * It must run inside the private network namespace of scripts/netns.sh, where the pod network
 * 10.244.0.0/16 is local. SIGTERM or SIGINT stops every process it started.
 */
import pino from 'pino';
import * as path from 'path';
import { flag, type FlagSpec, parseFlags, parseHostPort, usage } from '../../src/cli/flags';
import { PROJECT_ROOT } from '../../src/project-root';
import { HttpKubeClient } from '../../src/sources/kubernetes/kube-client';
import { GatewayProxies } from './gateway-proxies';
import { LocalKubelet } from './kubelet';
import { startKubeletServer } from './kubelet-server';
import { registerNode } from './node-heartbeat';
import { PodAddressPool } from './pod-addresses';

const BIN = path.join(PROJECT_ROOT, '.cache', 'bin');
const STOP_WITHIN_MS = 15_000;

const SPECS: FlagSpec[] = [
  { name: 'kubeconfig', description: 'kubeconfig of the cluster (default: as kubectl)' },
  { name: 'node-name', description: 'the Node this kubelet registers', default: 'local-node' },
  { name: 'node-ip', description: "the Node's InternalIP (and every Pod's hostIP)", default: '10.244.0.1' },
  { name: 'pod-addresses', description: 'first Pod IP and how many, as FIRST+COUNT', default: '10.244.1.0+8192' },
  { name: 'echo-basic', description: 'the echo-basic binary Pods run', default: path.join(BIN, 'echo-basic') },
  { name: 'envoy', description: 'the Envoy binary Gateways get', default: path.join(BIN, 'envoy') },
  { name: 'xds', description: "Attaché's xDS address", default: '127.0.0.1:18000' },
  { name: 'controller-name', description: 'Gateways of GatewayClasses with this controllerName get an Envoy', default: 'attache.dev/gateway-controller' },
  { name: 'admin-ports', description: 'first Envoy admin port (one per Gateway, upwards)', default: '19100' },
  { name: 'work-dir', description: 'Envoy bootstraps and logs', default: path.join(PROJECT_ROOT, '.cache', 'local-cluster') },
  { name: 'kubelet-port', description: 'the kubelet endpoint (container logs) on --node-ip', default: '10250' },
  { name: 'tls-cert', description: "the kubelet endpoint's serving certificate (PEM); without it and --tls-key, no endpoint (no pods/log)" },
  { name: 'tls-key', description: "the kubelet endpoint's private key (PEM)" },
  { name: 'log-level', description: 'pino log level', default: 'info' },
  { name: 'help', description: 'show this help', boolean: true },
];

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('local-cluster', 'Run the local kubelet and one Envoy per Gateway.', SPECS));
    return;
  }
  const log = pino({ level: flag(parsed, 'log-level') }, pino.destination({ dest: 2, sync: true }));
  const client = await HttpKubeClient.connect(flag(parsed, 'kubeconfig'));
  const nodeName = flag(parsed, 'node-name')!;
  const nodeIP = flag(parsed, 'node-ip')!;
  const [first, count] = flag(parsed, 'pod-addresses')!.split('+');
  const kubeletPort = Number(flag(parsed, 'kubelet-port'));
  const heartbeat = await registerNode(client, nodeName, nodeIP, kubeletPort, log);
  const kubelet = new LocalKubelet({
    client,
    nodeName,
    nodeIP,
    pool: new PodAddressPool(first, Number(count)),
    echoBasicBinary: flag(parsed, 'echo-basic')!,
    log,
  });
  const certFile = flag(parsed, 'tls-cert');
  const keyFile = flag(parsed, 'tls-key');
  const endpoint =
    certFile && keyFile
      ? await startKubeletServer({ host: nodeIP, port: kubeletPort, certFile, keyFile, logOf: (ns, pod, c) => kubelet.logOf(ns, pod, c), log })
      : undefined;
  const proxies = new GatewayProxies({
    client,
    controllerName: flag(parsed, 'controller-name')!,
    envoyBinary: flag(parsed, 'envoy')!,
    xds: parseHostPort(flag(parsed, 'xds')!, 'xds'),
    firstAdminPort: Number(flag(parsed, 'admin-ports')),
    workDir: flag(parsed, 'work-dir')!,
    log,
  });
  kubelet.start();
  proxies.start();
  log.info({ node: nodeName }, 'local kubelet and gateway proxies running');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping');
  heartbeat.stop();
  // Bounded: whatever still hangs after this is logged, and the exit takes it down.
  const stopped = Promise.all([kubelet.stop(), proxies.stop(), endpoint?.close()]).then(() => true);
  const inTime = await Promise.race([stopped, new Promise<boolean>((r) => setTimeout(() => r(false), STOP_WITHIN_MS).unref())]);
  if (!inTime) log.warn({ withinMs: STOP_WITHIN_MS }, 'not everything stopped in time; exiting anyway');
  client.close();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`local-cluster: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
