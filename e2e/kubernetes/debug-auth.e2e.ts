/**
 * The debug endpoint behind Kubernetes authentication (`--debug-auth kubernetes`), against the
 * real API server: a caller's bearer token is reviewed (TokenReview) and their right to GET the
 * path checked (SubjectAccessReview, RBAC nonResourceURLs). No token: 401; a ServiceAccount
 * without the grant: 403; with it: 200 for the granted paths only; probes stay open. And what a
 * granted reader gets never holds key material: a kubernetes.io/tls Secret applied with
 * `kubectl apply` (so with its last-applied annotation) is listed by its keys only.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { issueCertificate, tlsSecret } from '../../test/support/certificates';
import { loopbackAddress, ROOT, waitFor } from '../../test/harness';
import { apply, kubectl, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gatewayClass, namespace, type Scope } from './fixtures';

const S: Scope = { namespace: 'e2e-debug-auth', gatewayClass: 'e2e-debug-auth', controllerName: 'attache.dev/e2e-debug-auth' };
const GRANTED = ['/objects', '/proxies', '/config_dump'];

function attache(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/attache.js'), ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the debug endpoint with --debug-auth kubernetes', () => {
  let cp: RunningKubernetesControlPlane | undefined;
  let reader: string;
  let stranger: string;
  let keyPem: string;

  const get = async (p: string, token?: string): Promise<{ code: number; body: string }> => {
    const res = await fetch(`${cp!.debugUrl}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
    return { code: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    const cert = await issueCertificate(['site.example.com']);
    keyPem = cert.keyPem;
    await apply([
      namespace(S.namespace),
      gatewayClass(S.gatewayClass, S.controllerName),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: S.namespace } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'stranger', namespace: S.namespace } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'e2e-attache-debug-reader' },
        rules: [{ nonResourceURLs: GRANTED, verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'e2e-attache-debug-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'e2e-attache-debug-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: S.namespace }],
      },
    ]);
    // Client-side apply writes the last-applied annotation, with the Secret's data in it.
    await kubectl(['apply', '-f', '-'], JSON.stringify(tlsSecret(S.namespace, 'site', cert)));
    // Only Secrets a Gateway names reach the store.
    await apply([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: S.namespace },
        spec: { gatewayClassName: S.gatewayClass, listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'site' }] } }] },
      },
    ]);
    reader = (await kubectl(['create', 'token', 'reader', '-n', S.namespace, '--duration', '1h'])).trim();
    stranger = (await kubectl(['create', 'token', 'stranger', '-n', S.namespace, '--duration', '1h'])).trim();
    cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: loopbackAddress(138),
      extraArgs: ['--debug-auth', 'kubernetes'],
    });
    // The API server's RBAC authorizer learns new bindings a moment later.
    await waitFor(async () => (await get('/proxies', reader)).code === 200, { timeoutMs: 15_000, description: 'the reader binding in effect' });
  });

  afterAll(async () => {
    await cp?.stop();
  });

  it('keeps probes open and asks everyone else for a token the API server knows', async () => {
    expect(await get('/healthz')).toEqual({ code: 200, body: 'ok\n' });
    expect((await get('/objects')).code).toBe(401);
    expect((await get('/objects', 'not-a-token')).code).toBe(401);
  });

  it('answers only the paths RBAC grants the caller', async () => {
    const denied = await get('/objects', stranger);
    expect(denied.code).toBe(403);
    expect(denied.body).toContain(`system:serviceaccount:${S.namespace}:stranger may not get /objects`);
    expect((await get('/ir', reader)).code).toBe(403);
    expect((await get('/proxies', reader)).code).toBe(200);
  });

  it('shows a granted reader the Secret by its keys only, and no key material anywhere', async () => {
    await waitFor(async () => (await get('/objects', reader)).body.includes('name: site'), { timeoutMs: 15_000, description: 'the Secret listed' });
    const objects = (await get('/objects', reader)).body;
    expect(objects).toContain('tls.key: "[redacted]"');
    expect(objects).toContain('kubectl.kubernetes.io/last-applied-configuration: "[redacted]"');
    expect(objects).not.toContain(keyPem.split('\n')[1]);
    expect(objects).not.toContain(Buffer.from(keyPem).toString('base64').slice(0, 60));
    const dump = (await get(`/config_dump?gateway=${S.namespace}/gw&format=json`, reader)).body;
    expect(dump).toContain('"private_key": "[redacted]"');
    expect(dump).not.toContain(Buffer.from(keyPem).toString('base64').slice(0, 60));
  });

  it('attache proxies takes the token from --token', async () => {
    expect(await attache(['proxies', '--server', cp!.debugUrl, '--token', reader])).toMatchObject({ code: 0, stdout: 'no proxies connected\n' });
    const refused = await attache(['proxies', '--server', cp!.debugUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('answered HTTP 401');
  });
});
