/**
 * The local cluster runs generic workloads (tools/local-cluster), here the README's example
 * (tools/local-cluster/examples/envoy-deployment.yaml): a Deployment of stock Envoy
 * (image envoyproxy/envoy, bootstrap from a ConfigMap, an init container that validates it,
 * a readiness probe on the admin port) with 2 replicas behind a `type: LoadBalancer` Service,
 * through kube-controller-manager (Deployment → ReplicaSet → Pods, EndpointSlices) and our
 * kubelet (each Pod a process in a network namespace of its own) and service proxy (an ingress
 * address, forwarded to the ready endpoints). Killing an Envoy gets it restarted and traffic
 * keeps flowing; deleting the Deployment leaves no process and no namespace behind.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort, ROOT, type TrackedProcess, waitFor } from '../../test/harness';
import { apply, get, kubectl, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { issueCertificate, issueGatewayClientCertificate, makeCertificateAuthority } from '../../test/support/certificates';
import { gatewayClass, namespace } from './fixtures';
import { startLocalCluster } from './local-cluster';

const NS = 'e2e-local-cluster-pods';
const XDS_NS = 'e2e-local-cluster-xds';
const READY_TIMEOUT_MS = 90_000;
/** The README's example: ConfigMap (bootstrap), Deployment (2 replicas), Service (LoadBalancer). */
const EXAMPLE = path.join(ROOT, 'tools/local-cluster/examples/envoy-deployment.yaml');

interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status?: {
    podIP?: string;
    phase?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{ name: string; restartCount: number; ready: boolean }>;
  };
}

async function pods(): Promise<PodView[]> {
  return JSON.parse(await kubectl(['get', 'pods', '-n', NS, '-l', 'app=envoy', '-o', 'json'])).items as PodView[];
}

const isReady = (p: PodView): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Processes whose command line names the Pod's directory (its volumes are under <work-dir>/pods/<uid>). */
function processesOf(uid: string): Array<{ pid: number; netns: string; cmdline: string }> {
  const out: Array<{ pid: number; netns: string; cmdline: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(`/pods/${uid}/`)) out.push({ pid: Number(entry), netns: fs.readlinkSync(`/proc/${entry}/ns/net`), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every process in one of `netns` (the Pods' namespaces: their holders and containers). */
function processesIn(netns: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (netns.has(fs.readlinkSync(`/proc/${entry}/ns/net`))) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function httpGet(host: string, port: number): Promise<{ status: number; pod: string; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pod: String(res.headers['x-pod'] ?? ''), body, location: res.headers.location }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function vethCount(): number {
  return execFileSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('vp-')).length;
}

describe('the local cluster runs Deployments of Envoy behind a LoadBalancer Service', () => {
  let cluster: TrackedProcess;
  let workDir: string;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-local-cluster-'));
    cluster = await startLocalCluster(workDir, [NS, XDS_NS]);
  });

  afterAll(async () => {
    await cluster?.stop(20_000);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('serves through the load-balancer address, survives a killed Envoy, and cleans up after deletion', async () => {
    await apply([namespace(NS)]);
    await kubectl(['apply', '--server-side', '-n', NS, '-f', EXAMPLE]);

    // Deployment → 2 Pods, both Ready (their init container completed, /ready answered).
    const ready = await waitFor(
      async () => {
        const ps = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
        return ps.length === 2 && ps.every(isReady) ? ps : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, description: '2 Envoy Pods Ready' },
    );
    const podIPs = ready.map((p) => p.status!.podIP!);
    expect(new Set(podIPs).size).toBe(2);
    for (const ip of podIPs) expect(ip).toMatch(/^10\.245\./);

    // The Service gets an ingress address, and answers there (from either Pod).
    const ingress = await waitFor(
      async () =>
        ((await get('service', 'envoy', NS)) as unknown as { status?: { loadBalancer?: { ingress?: Array<{ ip: string }> } } }).status?.loadBalancer
          ?.ingress?.[0]?.ip,
      { timeoutMs: 30_000, description: 'status.loadBalancer.ingress' },
    );
    expect(ingress).toMatch(/^10\.244\.240\./);
    const answered = new Set<string>();
    await waitFor(
      async () => {
        const r = await httpGet(ingress, 80).catch(() => undefined);
        if (r?.status === 200) answered.add(r.pod);
        return answered.size === 2;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'both Pods answer through the load-balancer address' },
    );
    expect([...answered].sort()).toEqual(ready.map((p) => p.metadata.name).sort());

    // Each Pod: its own network namespace; Envoy and nothing of another Pod in it.
    const byPod = ready.map((p) => processesOf(p.metadata.uid).filter((x) => x.cmdline.includes('--service-node')));
    for (const procs of byPod) expect(procs).toHaveLength(1);
    const namespaces = new Set(byPod.map((procs) => procs[0].netns));
    expect(namespaces.size).toBe(2);
    expect(namespaces.has(fs.readlinkSync('/proc/self/ns/net'))).toBe(false);

    // From inside a Pod's namespace, the node's namespace is reachable through the bridge: the
    // Service's ClusterIP (local there), and so the other Pod behind it.
    const clusterIP = ((await get('service', 'envoy', NS)) as unknown as { spec: { clusterIP: string } }).spec.clusterIP;
    expect((await httpGet(clusterIP, 80)).status).toBe(200);
    const fromPod = execFileSync(
      'nsenter',
      [
        `--net=/proc/${byPod[0][0].pid}/ns/net`,
        '--',
        process.execPath,
        '-e',
        `require('http').get('http://${clusterIP}/', (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => { console.log(e.message); process.exit(1); })`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(fromPod.trim()).toBe('200');

    // The API server too, as in a cluster: KUBERNETES_SERVICE_HOST is the `kubernetes` Service's
    // ClusterIP, forwarded to it, and its certificate names that address.
    const environ = fs.readFileSync(`/proc/${byPod[0][0].pid}/environ`, 'utf8').split('\0');
    expect(environ).toEqual(expect.arrayContaining(['KUBERNETES_SERVICE_HOST=10.96.0.1', 'KUBERNETES_SERVICE_PORT=443']));
    const ca = path.join(process.env.ATTACHE_E2E_KUBE_DIR!, 'pki/ca.crt');
    const apiFromPod = execFileSync(
      'nsenter',
      [
        `--net=/proc/${byPod[0][0].pid}/ns/net`,
        '--',
        process.execPath,
        '-e',
        `require('https').get({ host: '10.96.0.1', port: 443, path: '/readyz', ca: require('fs').readFileSync(${JSON.stringify(ca)}) }, (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => { console.log(e.message); process.exit(1); })`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(apiFromPod.trim()).toMatch(/^(200|401|403)$/); // TLS verified; answered (anonymous: 401 or 403)

    // Kill one Envoy: the kubelet restarts it (restartCount 1), and the Service keeps answering.
    const victim = ready[0];
    process.kill(byPod[0][0].pid, 'SIGKILL');
    await waitFor(
      async () => {
        const p = (await pods()).find((x) => x.metadata.uid === victim.metadata.uid);
        const c = p?.status?.containerStatuses?.find((s) => s.name === 'envoy');
        return c && c.restartCount === 1 && c.ready;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, description: 'the killed Envoy restarted and Ready again' },
    );
    for (let i = 0; i < 10; i++) expect((await httpGet(ingress, 80)).status).toBe(200);

    // Delete the Deployment: Pods, processes, namespaces and veths go.
    await kubectl(['delete', 'deployment', 'envoy', '-n', NS, '--wait=false']);
    await waitFor(async () => (await pods()).length === 0, { timeoutMs: 60_000, intervalMs: 500, description: 'Pods gone' });
    await waitFor(() => ready.every((p) => processesOf(p.metadata.uid).length === 0) && processesIn(namespaces).length === 0, {
      timeoutMs: 20_000,
      description: 'no process of the deleted Pods left',
    });
    await waitFor(() => vethCount() === 0, { timeoutMs: 20_000, description: 'no veth left' });
    expect(fs.readdirSync(path.join(workDir, 'pods'))).toEqual([]);
    // Without ready endpoints the address no longer answers.
    await expect(httpGet(ingress, 80)).rejects.toThrow();
  });

  /**
   * The shape of a provisioned Gateway's Pod: an init container of the control plane's image
   * running `attache bootstrap` into an emptyDir, with the xDS client certificate from a Secret
   * volume, then stock Envoy on that bootstrap; the control plane runs in the node's namespace,
   * reached from the Pod at the bridge address over mTLS.
   */
  it('runs an Envoy Pod bootstrapped by `attache bootstrap` that gets its configuration over xDS from the bridge address', async () => {
    const ns = XDS_NS;
    const controllerName = 'attache.dev/e2e-local-cluster';
    const serverName = 'attache-xds.e2e.test';
    const ca = await makeCertificateAuthority();
    const server = await issueCertificate([serverName], { ca });
    const client = await issueGatewayClientCertificate(ca, [`${ns}/gw`]);
    const certs = path.join(workDir, 'xds-server');
    fs.mkdirSync(certs);
    fs.writeFileSync(path.join(certs, 'tls.crt'), server.certPem);
    fs.writeFileSync(path.join(certs, 'tls.key'), server.keyPem);
    fs.writeFileSync(path.join(certs, 'ca.crt'), ca.certPem);
    const xdsPort = await freePort();
    await startKubernetesControlPlane({
      controllerName,
      // Each Envoy has a namespace of its own: its listeners bind the wildcard address there.
      defaultAddress: '0.0.0.0',
      tls: { certFile: path.join(certs, 'tls.crt'), keyFile: path.join(certs, 'tls.key'), clientCaFile: path.join(certs, 'ca.crt') },
      // Pods reach the node's processes at the bridge address: listen there, not on loopback.
      extraArgs: ['--xds-address', `0.0.0.0:${xdsPort}`, '--port-shift', '0'],
    });
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const labels = { app: 'gw-envoy' };
    await apply([
      namespace(ns),
      gatewayClass('e2e-local-cluster', controllerName),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: ns },
        spec: { gatewayClassName: 'e2e-local-cluster', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'redirect', namespace: ns },
        spec: {
          parentRefs: [{ name: 'gw' }],
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'redirected.example', statusCode: 302 } }] }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'gw-xds', namespace: ns },
        data: { 'tls.crt': b64(client.certPem), 'tls.key': b64(client.keyPem), 'ca.crt': b64(ca.certPem) },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gw-envoy', namespace: ns },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: 2,
              initContainers: [
                {
                  name: 'bootstrap',
                  image: 'attache:dev',
                  env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                  args: [
                    'bootstrap',
                    '--output=/etc/envoy/bootstrap/envoy.yaml',
                    `--gateway=${ns}/gw`,
                    '--node-id=$(POD_NAME)',
                    `--xds=10.245.0.1:${xdsPort}`,
                    '--xds-tls-cert=/etc/envoy/xds-tls/tls.crt',
                    '--xds-tls-key=/etc/envoy/xds-tls/tls.key',
                    '--xds-tls-ca=/etc/envoy/xds-tls/ca.crt',
                    `--xds-tls-server-name=${serverName}`,
                  ],
                  volumeMounts: [
                    { name: 'bootstrap', mountPath: '/etc/envoy/bootstrap' },
                    { name: 'xds-tls', mountPath: '/etc/envoy/xds-tls', readOnly: true },
                  ],
                },
              ],
              containers: [
                {
                  name: 'envoy',
                  image: 'docker.io/envoyproxy/envoy:v1.40.0',
                  args: ['-c', '/etc/envoy/bootstrap/envoy.yaml', '--disable-hot-restart', '--log-level', 'warn'],
                  ports: [{ name: 'http', containerPort: 8080 }],
                  // The Gateway's listener exists only once xDS delivered it: ready means configured.
                  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
                  volumeMounts: [
                    { name: 'bootstrap', mountPath: '/etc/envoy/bootstrap', readOnly: true },
                    { name: 'xds-tls', mountPath: '/etc/envoy/xds-tls', readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: 'bootstrap', emptyDir: {} },
                { name: 'xds-tls', secret: { secretName: 'gw-xds' } },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'gw', namespace: ns },
        spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
    ]);
    const ingress = await waitFor(
      async () =>
        ((await get('service', 'gw', ns)) as unknown as { status?: { loadBalancer?: { ingress?: Array<{ ip: string }> } } }).status?.loadBalancer?.ingress?.[0]
          ?.ip,
      { timeoutMs: 30_000, description: 'status.loadBalancer.ingress' },
    );
    const answer = await waitFor(
      async () => {
        const r = await httpGet(ingress, 80).catch(() => undefined);
        return r?.status === 302 ? r : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, description: "the Gateway's route answers through the load-balancer address" },
    );
    expect(answer.location).toMatch(/^http:\/\/redirected\.example/);
    await kubectl(['delete', 'namespace', ns, '--wait=false']);
  });
});
