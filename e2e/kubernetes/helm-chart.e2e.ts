/**
 * The Helm chart (charts/attache): it lints, renders, and the API server accepts every object it
 * renders (server-side dry run: schemas, the Gateway API CRD's validation, RBAC objects). Then the
 * control plane runs with exactly the chart's RBAC — a token of the chart's ServiceAccount — and
 * does its whole job: watches, leader election, status writes. No image is needed for that; the
 * Deployment itself is only dry-run (there is no image and no kubelet here).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { loopbackAddress, ROOT, waitFor } from '../harness';
import { apply, condition, get, kubeconfig, kubectl, parentsOf, startKubernetesControlPlane } from '../harness/kubernetes';
import { gateway, grpcRoute, namespace, Scope, service } from './fixtures';

const HELM = path.join(ROOT, '.cache/bin/helm');
const CHART = path.join(ROOT, 'charts/attache');
const S: Scope = { namespace: 'e2e-helm', gatewayClass: 'e2e-helm', controllerName: 'attache.dev/e2e-helm' };
const SETTINGS = ['--set', `controllerName=${S.controllerName}`, '--set', `gatewayClass.name=${S.gatewayClass}`];

function helm(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(HELM, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HELM_CACHE_HOME: os.tmpdir(), HELM_CONFIG_HOME: os.tmpdir() } });
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

type Rendered = { kind: string; metadata: { name: string } };

describe('Helm chart charts/attache', () => {
  let rendered: Rendered[];
  // The release name contains the chart's, so the full name is the release name (_helpers.tpl).
  const serviceAccount = 'attache-release';

  beforeAll(async () => {
    await apply([namespace(S.namespace)]);
    const yaml = await helm(['template', 'attache-release', CHART, '--namespace', S.namespace, ...SETTINGS]);
    rendered = parseAllDocuments(yaml).map((d) => d.toJS() as Rendered).filter((o) => o);
  });

  it('lints and renders the objects a deployment needs', async () => {
    await helm(['lint', CHART, '--strict', ...SETTINGS]);
    expect(rendered.map((o) => o.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'GatewayClass', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'].sort(),
    );
  });

  it('is accepted by the API server (server-side dry run of every object)', async () => {
    const out = await kubectl(['apply', '--dry-run=server', '--server-side', '-n', S.namespace, '-f', '-'], rendered.map((o) => stringify(o)).join('---\n'));
    expect(out).toContain('deployment.apps/attache-release serverside-applied (server dry run)');
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
    for (const denied of [['update', 'grpcroutes'], ['list', 'configmaps'], ['create', 'secrets'], ['update', 'leases', '-n', 'default']]) {
      await expect(kubectl(['auth', 'can-i', ...denied, ...as])).rejects.toThrow(/exit 1: no\n/);
    }
    const token = (await kubectl(['create', 'token', serviceAccount, '-n', S.namespace, '--duration', '1h'])).trim();
    const config = parseYaml(fs.readFileSync(kubeconfig(), 'utf8')) as { users: Array<{ user: Record<string, string> }> };
    config.users[0].user = { token };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attache-sa-')), 'kubeconfig');
    fs.writeFileSync(file, stringify(config));

    const cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: loopbackAddress(74),
      kubeconfig: file,
      extraArgs: ['--leader-elect', '--leader-elect-namespace', S.namespace],
    });
    await apply([gateway(S, 'gw'), ...service(S, 'echo', 40, 1), grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'echo' })]);
    await waitFor(async () => condition(parentsOf(await get('grpcroute', 'app', S.namespace), S.controllerName)[0]?.conditions, 'Accepted')?.status === 'True', {
      timeoutMs: 30_000,
      description: 'route status written with the chart RBAC',
    });
    expect(condition((await get('gateway', 'gw', S.namespace)).status?.conditions, 'Programmed')?.status).toBe('True');
    expect(await cp.statusWrites()).toMatchObject({ leader: true, failures: 0 });
    expect(cp.proc.logs()).not.toMatch(/forbidden/i);
    await cp.stop();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
