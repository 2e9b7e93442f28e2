/**
 * The Helm chart (charts/attache): it lints, renders, and the API server accepts every object it
 * renders (server-side dry run: schemas, the Gateway API CRD's validation, RBAC objects). Then the
 * control plane runs with exactly the chart's RBAC — a token of the chart's ServiceAccount — and
 * does its whole job: watches, leader election, status writes. And it serves xDS exactly as the
 * chart's Deployment says, with the certificates the chart generated, to an Envoy whose bootstrap
 * comes from the chart's Envoy Deployment: mTLS end to end, and a gRPC call routed. No image is
 * needed for that; the Deployments themselves are only dry-run (no image and no kubelet here):
 * their Secret volumes are written to a folder and their arguments pointed at it.
 */
import { spawn } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import * as grpc from '@grpc/grpc-js';
import {
  awaitConvergence,
  backendsFromEndpointSlices,
  callEcho,
  type EchoBackends,
  freePorts,
  loopbackAddress,
  ROOT,
  startEchoBackends,
  startEnvoy,
  validateEnvoyConfig,
  waitFor,
} from '../../test/harness';
import {
  apply,
  condition,
  get,
  kubeconfig,
  kubectl,
  parentsOf,
  type RunningKubernetesControlPlane,
  startKubernetesControlPlane,
} from '../../test/harness/kubernetes';
import { gateway, grpcRoute, namespace, type Scope, service } from './fixtures';
import { chartContainer, runBootstrapCommand, type Rendered } from './helm-pods';

const HELM = path.join(ROOT, '.cache/bin/helm');
const CHART = path.join(ROOT, 'charts/attache');
const S: Scope = { namespace: 'e2e-helm', gatewayClass: 'e2e-helm', controllerName: 'attache.dev/e2e-helm' };
const GATEWAY = 'gw';
const SETTINGS = [
  '--set',
  `controllerName=${S.controllerName}`,
  '--set',
  `gatewayClass.name=${S.gatewayClass}`,
  '--set',
  'envoy.enabled=true',
  '--set',
  `envoy.gateway=${S.namespace}/${GATEWAY}`,
];

function helm(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(HELM, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HELM_CACHE_HOME: os.tmpdir(), HELM_CONFIG_HOME: os.tmpdir() },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`helm ${args.join(' ')}: exit ${code}: ${err}${out}`));
    });
  });
}

describe('Helm chart charts/attache', () => {
  let rendered: Rendered[];
  // The release name contains the chart's, so the full name is the release name (_helpers.tpl).
  const serviceAccount = 'attache-release';
  let pods: string;
  let cp: RunningKubernetesControlPlane | undefined;
  let backends: EchoBackends | undefined;
  const address = loopbackAddress(74);

  beforeAll(async () => {
    await apply([namespace(S.namespace)]);
    const yaml = await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS]);
    rendered = parseAllDocuments(yaml)
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    pods = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-helm-pods-'));
  });

  afterAll(async () => {
    await cp?.stop();
    await backends?.stop();
    fs.rmSync(pods, { recursive: true, force: true });
  });

  it('lints and renders the objects a deployment needs', async () => {
    await helm(['lint', CHART, '--strict', ...SETTINGS]);
    await helm(['lint', CHART, '--strict']); // the defaults too (no Envoys)
    expect(rendered.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'Deployment',
        'GatewayClass',
        'Role',
        'RoleBinding',
        'Secret',
        'Secret',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
  });

  it('keeps the debug endpoint on loopback, probes and metrics on the health port; debug.expose puts it behind token checks', async () => {
    type Pod = {
      spec: {
        template: {
          spec: {
            containers: Array<{
              name: string;
              ports: Array<{ name: string }>;
              readinessProbe: { httpGet: { port: string } };
              livenessProbe: { httpGet: { port: string } };
            }>;
          };
        };
      };
    };
    const cpContainer = (objects: Rendered[]): Pod['spec']['template']['spec']['containers'][number] =>
      (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'attache-release') as unknown as Pod).spec.template.spec.containers[0];
    const attache = chartContainer(rendered, 'Deployment', 'attache-release', 'attache', pods);
    expect(attache.flag('debug-address')).toBe('127.0.0.1:18001');
    expect(attache.flag('health-address')).toBe('0.0.0.0:18002');
    expect(attache.args.some((a) => a.startsWith('--debug-auth'))).toBe(false);
    expect(cpContainer(rendered).ports.map((p) => p.name)).toEqual(['xds', 'health']);
    expect([cpContainer(rendered).readinessProbe.httpGet.port, cpContainer(rendered).livenessProbe.httpGet.port]).toEqual(['health', 'health']);

    const exposedYaml = await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, '--set', 'debug.expose=true']);
    const exposed = parseAllDocuments(exposedYaml)
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    const open = chartContainer(exposed, 'Deployment', 'attache-release', 'attache', pods);
    expect(open.flag('debug-address')).toBe('0.0.0.0:18001');
    expect(open.flag('debug-auth')).toBe('kubernetes');
    expect(cpContainer(exposed).ports.map((p) => p.name)).toEqual(['xds', 'health', 'debug']);
    const delegator = exposed.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'attache-release-auth-delegator');
    expect(delegator).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount }],
    });
    expect(exposed.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'attache-release-debug-reader')).toMatchObject({ rules: [{ verbs: ['get'] }] });
    await helm(['lint', CHART, '--strict', '--set', 'debug.expose=true']);
    const out = await kubectl(['apply', '--dry-run=server', '--server-side', '-n', S.namespace, '-f', '-'], exposed.map((o) => stringify(o)).join('---\n'));
    expect(out).toContain('clusterrole.rbac.authorization.k8s.io/attache-release-debug-reader serverside-applied (server dry run)');
  });

  it('under leader election lets a rolling update replace the leader: only the leader is ready, so none has to stay available', async () => {
    const deployment = (objects: Rendered[]): Rendered => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'attache-release')!;
    expect(chartContainer(rendered, 'Deployment', 'attache-release', 'attache', pods).args).toContain('--leader-elect');
    expect(deployment(rendered).spec).toMatchObject({
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '100%' } },
    });
    const single = parseAllDocuments(
      await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, '--set', 'leaderElection.enabled=false']),
    )
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    expect(chartContainer(single, 'Deployment', 'attache-release', 'attache', pods).args).not.toContain('--leader-elect');
    expect((deployment(single).spec as { strategy?: unknown }).strategy).toBeUndefined();
  });

  it('is accepted by the API server (server-side dry run of every object)', async () => {
    const out = await kubectl(['apply', '--dry-run=server', '--server-side', '-n', S.namespace, '-f', '-'], rendered.map((o) => stringify(o)).join('---\n'));
    expect(out).toContain('deployment.apps/attache-release serverside-applied (server dry run)');
    expect(out).toContain('deployment.apps/attache-release-envoy serverside-applied (server dry run)');
    expect(out).toContain('secret/attache-release-xds-server serverside-applied (server dry run)');
    expect(out).toContain(`gatewayclass.gateway.networking.k8s.io/${S.gatewayClass} serverside-applied (server dry run)`);
  });

  it("gives the control plane exactly what it needs: it runs on the chart's ServiceAccount alone", async () => {
    await apply(rendered.filter((o) => o.kind !== 'Deployment').map((o) => ({ ...o, metadata: { ...o.metadata, namespace: S.namespace } })));
    // Spec writes and unrelated kinds stay forbidden: only status subresources are writable.
    const as = ['--as', `system:serviceaccount:${S.namespace}:${serviceAccount}`];
    // The API server's RBAC authorizer learns new bindings from its own informers: a moment later.
    await waitFor(async () => (await kubectl(['auth', 'can-i', 'update', 'grpcroutes', '--subresource', 'status', ...as])).trim() === 'yes', {
      timeoutMs: 10_000,
      description: 'the chart RBAC in effect',
    });
    expect((await kubectl(['auth', 'can-i', 'update', 'leases', '-n', S.namespace, ...as])).trim()).toBe('yes');
    // The xDS client certificate issuer (provisioning with the generated CA): Secrets, in any namespace.
    expect((await kubectl(['auth', 'can-i', 'create', 'secrets', '-n', 'elsewhere', ...as])).trim()).toBe('yes');
    for (const denied of [
      ['update', 'grpcroutes'],
      ['list', 'configmaps'],
      ['update', 'secrets'],
      ['update', 'leases', '-n', 'default'],
      ['update', 'deployments'],
      ['patch', 'configmaps'],
      ['patch', 'daemonsets'],
    ]) {
      await expect(kubectl(['auth', 'can-i', ...denied, ...as])).rejects.toThrow(/exit 1: no\n/);
    }
    const token = (await kubectl(['create', 'token', serviceAccount, '-n', S.namespace, '--duration', '1h'])).trim();
    const config = parseYaml(fs.readFileSync(kubeconfig(), 'utf8')) as { users: Array<{ user: Record<string, string> }> };
    config.users[0].user = { token };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attache-sa-')), 'kubeconfig');
    fs.writeFileSync(file, stringify(config));

    // xDS exactly as the chart's Deployment serves it: its --xds-tls-* files, from its Secret.
    const attache = chartContainer(rendered, 'Deployment', 'attache-release', 'attache', pods);
    cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: address,
      kubeconfig: file,
      extraArgs: [
        '--leader-elect',
        '--leader-elect-namespace',
        S.namespace,
        '--xds-trust-domain',
        attache.flag('xds-trust-domain'),
        // The provisioner as the chart runs it: its objects are written with the chart's RBAC alone.
        `--provision=${attache.flag('provision')}`,
        '--provision-xds-address',
        attache.flag('provision-xds-address'),
        '--provision-xds-server-name',
        attache.flag('provision-xds-server-name'),
        '--provision-image',
        attache.flag('provision-image'),
        // The issuer as the chart runs it: the generated CA, from the CA Secret.
        '--xds-issuer-ca-cert',
        attache.flag('xds-issuer-ca-cert'),
        '--xds-issuer-ca-key',
        attache.flag('xds-issuer-ca-key'),
      ],
      tls: { certFile: attache.flag('xds-tls-cert'), keyFile: attache.flag('xds-tls-key'), clientCaFile: attache.flag('xds-tls-client-ca') },
    });
    expect(cp.proc.logs()).toMatch(/xDS on 127\.0\.0\.1:\d+ \(mTLS\)/);
    const services = service(S, 'echo', 40, 1);
    backends = await startEchoBackends(backendsFromEndpointSlices(services));
    await apply([gateway(S, GATEWAY), ...services, grpcRoute(S, 'app', GATEWAY, 'app.example.com', { Echo: 'echo' })]);
    await waitFor(
      async () => condition(parentsOf(await get('grpcroute', 'app', S.namespace), S.controllerName)[0]?.conditions, 'Accepted')?.status === 'True',
      {
        timeoutMs: 30_000,
        description: 'route status written with the chart RBAC',
      },
    );
    // Accepted, and Programmed written by us (False until an Envoy runs the configuration), not left at the CRD's Unknown.
    await waitFor(
      async () => {
        const conditions = (await get('gateway', 'gw', S.namespace)).status?.conditions;
        return condition(conditions, 'Accepted')?.status === 'True' && ['True', 'False'].includes(condition(conditions, 'Programmed')?.status ?? '');
      },
      { timeoutMs: 30_000, description: 'Gateway status written with the chart RBAC' },
    );
    for (const kind of ['serviceaccount', 'service', 'deployment', 'poddisruptionbudget', 'secret']) {
      await waitFor(
        async () => (await kubectl(['get', kind, '-n', S.namespace, '-l', 'gateway.networking.k8s.io/gateway-name=gw', '-o', 'name'])).trim() !== '',
        {
          timeoutMs: 30_000,
          description: `the provisioned ${kind}, written with the chart RBAC`,
        },
      );
    }
    expect(await cp.statusWrites()).toMatchObject({ leader: true, failures: 0 });
    expect(cp.proc.logs()).not.toMatch(/forbidden/i);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('keeps the generated certificates on upgrade: the Secrets in the cluster are looked up, not regenerated', async () => {
    const secretData = (objects: Rendered[]): Array<Record<string, string> | undefined> => objects.filter((o) => o.kind === 'Secret').map((o) => o.data);
    // The previous test applied the rendered Secrets; a render that may read the cluster reuses them.
    const again = await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, '--dry-run=server', '--kubeconfig', kubeconfig()]);
    const reRendered = parseAllDocuments(again)
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    expect(secretData(reRendered)).toEqual(secretData(rendered));
    // A Gateway added to the list: its certificate is signed by the kept CA, and every other Secret stays as it is.
    const added = parseAllDocuments(
      await helm([
        'template',
        'attache-release',
        CHART,
        '--namespace',
        S.namespace,
        ...SETTINGS,
        '--set',
        'xds.tls.clientGateways={team-c/new}',
        '--dry-run=server',
        '--kubeconfig',
        kubeconfig(),
      ]),
    )
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    const byName = (objects: Rendered[]): Map<string, Record<string, string> | undefined> =>
      new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, o.data]));
    const before = byName(rendered);
    const after = byName(added);
    for (const [name, data] of before) expect(after.get(name)).toEqual(data);
    const caCert = new X509Certificate(Buffer.from(before.get('attache-release-xds-ca')!['tls.crt'], 'base64'));
    const newCert = new X509Certificate(Buffer.from(after.get('attache-release-xds-team-c-new')!['tls.crt'], 'base64'));
    expect(newCert.verify(caCert.publicKey)).toBe(true);
    // Without the cluster (plain `helm template`), new ones each time: what the README warns about.
    const offline = parseAllDocuments(await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS])).map(
      (d) => d.toJS() as Rendered,
    );
    expect(secretData(offline.filter((o) => o))).not.toEqual(secretData(rendered));
  });

  it('issues one client certificate per Gateway, naming that Gateway only (no certificate shared between Gateways)', async () => {
    const clientSecrets = (objects: Rendered[]): Rendered[] =>
      objects.filter((o) => o.kind === 'Secret' && !['attache-release-xds-server', 'attache-release-xds-ca'].includes(o.metadata.name));
    const sans = (o: Rendered): string => new X509Certificate(Buffer.from(o.data?.['tls.crt'] ?? '', 'base64')).subjectAltName ?? '';
    // The chart's Envoys: the Secret of envoy.gateway, which they mount.
    const [own] = clientSecrets(rendered);
    expect(own.metadata).toMatchObject({
      name: `attache-release-xds-${S.namespace}-${GATEWAY}`,
      annotations: { 'attache.dev/gateway': `${S.namespace}/${GATEWAY}` },
    });
    expect(sans(own)).toBe(`DNS:${GATEWAY}.${S.namespace}.gateway.cluster.local`);
    expect(stringify(rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === 'attache-release-envoy'))).toContain(
      `secretName: attache-release-xds-${S.namespace}-${GATEWAY}`,
    );
    // More Gateways for Envoys run elsewhere, and another trust domain (also passed to the control plane).
    const more = ['--set', 'xds.tls.clientGateways={team-a/edge,team-b/edge.v2}', '--set', 'xds.tls.trustDomain=prod.example.org'];
    const objects = parseAllDocuments(await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, ...more]))
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    expect(Object.fromEntries(clientSecrets(objects).map((o) => [o.metadata.name, sans(o)]))).toEqual({
      [`attache-release-xds-${S.namespace}-${GATEWAY}`]: `DNS:${GATEWAY}.${S.namespace}.gateway.prod.example.org`,
      'attache-release-xds-team-a-edge': 'DNS:edge.team-a.gateway.prod.example.org',
      'attache-release-xds-team-b-edge.v2': 'DNS:edge.v2.team-b.gateway.prod.example.org',
    });
    expect(stringify(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'attache-release'))).toContain('--xds-trust-domain=prod.example.org');
    // Without Envoys and without clientGateways, no client certificate at all.
    const bare = parseAllDocuments(await helm(['template', 'attache-release', CHART, '--namespace', S.namespace]))
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    expect(clientSecrets(bare)).toEqual([]);
    await expect(helm(['template', 'attache-release', CHART, '--set', 'xds.tls.clientGateways={not-a-gateway}'])).rejects.toThrow(
      /xds.tls.clientGateways: "not-a-gateway" is not NAMESPACE\/NAME/,
    );
  });

  it('gives its GatewayClass a parametersRef to GatewayParameters when asked, and none by default', async () => {
    const classOf = async (extra: string[]): Promise<Rendered | undefined> =>
      parseAllDocuments(await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, ...extra]))
        .map((d) => d.toJS() as Rendered)
        .find((o) => o?.kind === 'GatewayClass');
    expect((await classOf([]))?.spec).toEqual({ controllerName: S.controllerName });
    expect(((await classOf(['--set', 'gatewayClass.parameters.name=envoys']))?.spec as { parametersRef?: unknown }).parametersRef).toEqual({
      group: 'attache.dev',
      kind: 'GatewayParameters',
      name: 'envoys',
      namespace: S.namespace,
    });
  });

  it('uses supplied Secrets as given, and refuses only one of the two', async () => {
    const supplied = [
      '--set',
      'xds.tls.serverSecretName=my-xds-server',
      '--set',
      'xds.tls.clientSecretName=my-xds-client',
      '--set',
      'xds.tls.serverName=xds.example.internal',
    ];
    const objects = parseAllDocuments(await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS, ...supplied]))
      .map((d) => d.toJS() as Rendered)
      .filter((o) => o);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = objects.map((o) => stringify(o)).join('---\n');
    expect(text).toContain('secretName: my-xds-server');
    expect(text).toContain('secretName: my-xds-client');
    expect(text).toContain('--xds-tls-server-name=xds.example.internal');
    await expect(helm(['template', 'attache-release', CHART, ...SETTINGS, '--set', 'xds.tls.serverSecretName=my-xds-server'])).rejects.toThrow(
      /xds.tls.serverSecretName and xds.tls.clientSecretName: set both \(your own certificates\) or neither/,
    );
    await expect(helm(['template', 'attache-release', CHART, '--set', 'envoy.enabled=true'])).rejects.toThrow(/envoy.gateway: set it to NAMESPACE\/NAME/);
    await expect(helm(['template', 'attache-release', CHART, ...supplied, '--set', 'xds.tls.clientGateways={a/b}'])).rejects.toThrow(
      /xds.tls.clientGateways: the chart issues client certificates only with a CA it generated/,
    );
  });

  it("routes a gRPC call through an Envoy bootstrapped as the chart's Envoy Deployment, over mTLS with the chart's certificates", async () => {
    if (!cp) throw new Error('needs the control plane of the previous test');
    const envoyPod = chartContainer(rendered, 'Deployment', 'attache-release-envoy', 'bootstrap', pods);
    // The init container's own arguments; only where it reaches the Service, and its Pod name, differ here.
    const yaml = await runBootstrapCommand(envoyPod, {
      'node-id': 'helm-envoy',
      xds: `${cp.xds.host}:${cp.xds.port}`,
      admin: '127.0.0.1:0',
    });
    expect(yaml).toContain('sni: "attache-release.e2e-helm.svc"');
    expect(yaml).toContain('tls_certificate_sds_secret_configs'); // --xds-tls-reload: the Secret volume is watched
    // Exactly as the init container writes it (the Service's DNS name, STRICT_DNS), Envoy accepts it.
    const asInThePod = await runBootstrapCommand(envoyPod, { 'node-id': 'helm-envoy' });
    expect(asInThePod).toContain('address: "attache-release.e2e-helm.svc"');
    expect(await validateEnvoyConfig(asInThePod)).toMatchObject({ ok: true });
    const envoy = await startEnvoy({ bootstrapYaml: yaml, id: 'helm-envoy', cluster: `${S.namespace}/${GATEWAY}` });
    await envoy.waitForListener(10080, 30_000);
    await awaitConvergence(async () => {
      const r = await callEcho({ target: `${address}:10080`, authority: 'app.example.com', method: 'Echo' });
      expect(r.code).toBe(grpc.status.OK);
      expect(r.pod).toBe('echo-pod-1');
    });
    expect((await envoy.stats('ssl.handshake'))['cluster.xds_cluster.ssl.handshake']).toBeGreaterThanOrEqual(1);
    await waitFor(async () => condition((await get('gateway', GATEWAY, S.namespace)).status?.conditions, 'Programmed')?.status === 'True', {
      timeoutMs: 15_000,
      description: 'Gateway Programmed=True once the Envoy runs its configuration',
    });
    await envoy.stop();
  });

  it('routes a gRPC call through an Envoy run as the provisioned Deployment says, ready on /ready, over mTLS', async () => {
    if (!cp) throw new Error('needs the control plane of the previous tests');
    // The Deployment the provisioner wrote for Gateway gw, as the API server holds it.
    const deployment = JSON.parse(await kubectl(['get', 'deployment', 'attache-gw', '-n', S.namespace, '-o', 'json'])) as Rendered;
    // Its xDS client Secret (attache-gw-xds) holds what the chart generated for this Gateway.
    const chartSecret = rendered.find(
      (o) =>
        o.kind === 'Secret' && (o.metadata as { annotations?: Record<string, string> }).annotations?.['attache.dev/gateway'] === `${S.namespace}/${GATEWAY}`,
    );
    if (!chartSecret) throw new Error('no chart client Secret for the Gateway');
    const secret = { ...chartSecret, metadata: { name: 'attache-gw-xds' } };
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-provisioned-'));
    const bootstrap = chartContainer([deployment, secret], 'Deployment', 'attache-gw', 'bootstrap', root);
    const [readyPort] = await freePorts(1);
    const yaml = await runBootstrapCommand(bootstrap, {
      'node-id': 'provisioned-envoy',
      xds: `${cp.xds.host}:${cp.xds.port}`,
      admin: '127.0.0.1:0',
      'ready-address': `${address}:${readyPort}`,
    });
    expect(await validateEnvoyConfig(await runBootstrapCommand(bootstrap, { 'node-id': 'provisioned-envoy' }))).toMatchObject({ ok: true });
    const envoy = await startEnvoy({ bootstrapYaml: yaml, id: 'provisioned-envoy', cluster: `${S.namespace}/${GATEWAY}` });
    await envoy.waitForListener(10080, 30_000);
    await awaitConvergence(async () => {
      const r = await callEcho({ target: `${address}:10080`, authority: 'app.example.com', method: 'Echo' });
      expect(r.code).toBe(grpc.status.OK);
    });
    // The readiness probe's request, as the kubelet sends it (port and path from the Deployment).
    const probe = (deployment as unknown as { spec: { template: { spec: { containers: Array<{ readinessProbe: { httpGet: { path: string } } }> } } } }).spec
      .template.spec.containers[0].readinessProbe.httpGet;
    const res = await fetch(`http://${address}:${readyPort}${probe.path}`);
    expect(res.status).toBe(200);
    expect((await fetch(`http://${address}:${readyPort}/stats`)).status).toBe(404);
    await envoy.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });
});
