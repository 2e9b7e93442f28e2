/**
 * `node dist/tools/local-cluster/main.js`: the node side of the container-less local cluster that
 * scripts/conformance-upstream.sh runs the upstream conformance suite on, and the Kubernetes e2e
 * tests run Deployments on. One process, three jobs:
 *  - the local kubelet (kubelet.ts): one Node; echo-basic Pods as local processes, Pods of Envoy
 *    and of the control plane as processes in network namespaces of their own (pod-network.ts);
 *  - Service networking (service-proxies.ts): addresses for LoadBalancer Services, and proxies
 *    from those and from ClusterIPs to the ready endpoints;
 *  - the gateway infrastructure (gateway-proxies.ts): one Envoy per Gateway of our classes
 *    (--gateway-proxies=false leaves that to Pods, e.g. a provisioner's Deployments).
 * It must run inside the private network namespace of scripts/netns.sh, where the pod network
 * 10.244.0.0/16 is local: it adds a bridge and addresses there. SIGTERM or SIGINT stops every
 * process it started and removes what it added.
 */
import pino from 'pino';
import * as path from 'path';
import { flag, type FlagSpec, parseFlags, parseHostPort, usage } from '../../src/cli/flags';
import { PROJECT_ROOT } from '../../src/project-root';
import { HttpKubeClient } from '../../src/sources/kubernetes/kube-client';
import { GatewayProxies } from './gateway-proxies';
import { namespaceFilter } from './namespaces';
import { LocalKubelet } from './kubelet';
import { startKubeletServer } from './kubelet-server';
import { registerNode } from './node-heartbeat';
import { offsetAddress, PodAddressPool } from './pod-addresses';
import { NodeNetwork } from './pod-network';
import { ServiceProxies } from './service-proxies';

const BIN = path.join(PROJECT_ROOT, '.cache', 'bin');
const STOP_WITHIN_MS = 15_000;

const SPECS: FlagSpec[] = [
  { name: 'kubeconfig', description: 'kubeconfig of the cluster (default: as kubectl)' },
  { name: 'node-name', description: 'the Node this kubelet registers', default: 'local-node' },
  { name: 'node-ip', description: "the Node's InternalIP (and every Pod's hostIP)", default: '10.244.0.1' },
  { name: 'pod-addresses', description: 'first Pod IP and how many, as FIRST+COUNT', default: '10.244.1.0+8192' },
  { name: 'echo-basic', description: 'the echo-basic binary Pods run', default: path.join(BIN, 'echo-basic') },
  { name: 'envoy', description: 'the Envoy binary Gateways get, and Pods of envoyproxy/envoy images run', default: path.join(BIN, 'envoy') },
  { name: 'attache', description: "what Pods of the control plane's image run", default: path.join(PROJECT_ROOT, 'bin', 'attache.js') },
  { name: 'control-plane-images', description: "image repositories that are the control plane's (comma-separated)", default: 'attache' },
  {
    name: 'pod-network',
    description: 'network of Pods in namespaces of their own; the bridge takes its first address (empty: none)',
    default: '10.245.0.0/16',
  },
  { name: 'bridge', description: 'the bridge of --pod-network', default: 'attache0' },
  { name: 'max-pods', description: 'at most this many Pods in namespaces of their own', default: '250' },
  { name: 'service-cidr', description: "the API server's --service-cluster-ip-range, made local and proxied (empty: no ClusterIPs)", default: '10.96.0.0/16' },
  { name: 'load-balancer-addresses', description: 'addresses for LoadBalancer Services, as FIRST+COUNT (local here)', default: '10.244.240.1+254' },
  { name: 'namespaces', description: 'run Pods and proxy Services of these namespaces only (comma-separated; empty: all)', default: '' },
  { name: 'gateway-proxies', description: 'run one Envoy per Gateway of --controller-name (false: Gateways get none from here)', default: 'true' },
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
  const workDir = flag(parsed, 'work-dir')!;
  const podNetwork = flag(parsed, 'pod-network') ?? '';
  const serviceCidr = flag(parsed, 'service-cidr') ?? '';
  const network = podNetwork ? await NodeNetwork.create({ bridge: flag(parsed, 'bridge')!, cidr: podNetwork, serviceCidr, log }) : undefined;
  const heartbeat = await registerNode(client, nodeName, nodeIP, kubeletPort, log);
  const serves = namespaceFilter(flag(parsed, 'namespaces')!);
  const kubelet = new LocalKubelet({
    client,
    nodeName,
    nodeIP,
    pool: new PodAddressPool(first, Number(count)),
    echoBasicBinary: flag(parsed, 'echo-basic')!,
    log,
    programs: {
      envoy: flag(parsed, 'envoy')!,
      attache: flag(parsed, 'attache')!,
      controlPlaneImages: flag(parsed, 'control-plane-images')!.split(',').filter(Boolean),
    },
    network,
    networkPool: network ? new PodAddressPool(offsetAddress(network.gateway, 1), Number(flag(parsed, 'max-pods'))) : undefined,
    kubernetesService: serviceCidr ? { host: offsetAddress(serviceCidr.split('/')[0], 1), port: 443 } : undefined,
    workDir,
    serves,
  });
  const [lbFirst, lbCount] = flag(parsed, 'load-balancer-addresses')!.split('+');
  // Pods reach the API server as in a cluster: the `kubernetes` Service's ClusterIP (the first
  // address of the service range), forwarded to the server of our kubeconfig.
  const api = new URL(client.serverUrl);
  const fixedBackends = new Map([['default/kubernetes', [{ ip: api.hostname, port: Number(api.port || 443) }]]]);
  const services = new ServiceProxies({
    client,
    pool: new PodAddressPool(lbFirst, Number(lbCount)),
    clusterIPs: serviceCidr !== '',
    fixedBackends,
    serves: (ns) => ns === 'default' || serves(ns),
    log,
  });
  const certFile = flag(parsed, 'tls-cert');
  const keyFile = flag(parsed, 'tls-key');
  const endpoint =
    certFile && keyFile
      ? await startKubeletServer({ host: nodeIP, port: kubeletPort, certFile, keyFile, logOf: (ns, pod, c) => kubelet.logOf(ns, pod, c), log })
      : undefined;
  const proxies =
    flag(parsed, 'gateway-proxies') === 'false'
      ? undefined
      : new GatewayProxies({
          client,
          controllerName: flag(parsed, 'controller-name')!,
          envoyBinary: flag(parsed, 'envoy')!,
          xds: parseHostPort(flag(parsed, 'xds')!, 'xds'),
          firstAdminPort: Number(flag(parsed, 'admin-ports')),
          workDir,
          log,
        });
  kubelet.start();
  services.start();
  proxies?.start();
  log.info({ node: nodeName, podNetwork, gateway: network?.gateway, gatewayProxies: Boolean(proxies) }, 'local kubelet running');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping');
  heartbeat.stop();
  // Bounded: whatever still hangs after this is logged, and the exit takes it down.
  const stopped = Promise.all([kubelet.stop(), services.stop(), proxies?.stop(), endpoint?.close()])
    .then(() => network?.close())
    .then(() => true);
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
