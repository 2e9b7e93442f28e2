/**
 * The chart hands the control plane the CA that issues provisioned Gateways' xDS client
 * certificates (README "Provisioned Envoys"): `helm template` only, no cluster. With generated
 * certificates the CA's key is kept in <fullname>-xds-ca, mounted into the control plane alone,
 * and the control plane may write Secrets; with your own certificates it issues only when given
 * xds.tls.issuerSecretName; without provisioning, never.
 */
import { spawn } from 'child_process';
import { X509Certificate } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { loadIssuerCa } from '../src/runner/xds-client-certificate';

const ROOT = path.resolve(__dirname, '..');
const HELM = path.join(ROOT, '.cache/bin/helm');
const CHART = path.join(ROOT, 'charts/attache');

interface Rendered {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  spec?: {
    template: {
      spec: {
        containers: Array<{ name: string; args: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }>;
        volumes: Array<{ name: string; secret?: { secretName: string } }>;
      };
    };
  };
}

function render(...set: string[]): Promise<Rendered[]> {
  return new Promise((resolve, reject) => {
    const args = ['template', 'r', CHART, '--namespace', 'attache-system', ...set.flatMap((s) => ['--set', s])];
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
      if (code !== 0) return reject(new Error(`helm ${args.join(' ')}: exit ${code}: ${err}`));
      resolve(
        parseAllDocuments(out)
          .map((d) => d.toJS() as Rendered)
          .filter((o) => o),
      );
    });
  });
}

const controlPlane = (objects: Rendered[]) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'r-attache')!.spec!.template.spec;
const secretWrites = (objects: Rendered[]): string[] =>
  objects
    .filter((o) => o.kind === 'ClusterRole' && o.metadata.name === 'r-attache')
    .flatMap((o) => o.rules ?? [])
    .filter((r) => r.apiGroups.includes('') && r.resources.includes('secrets'))
    .flatMap((r) => r.verbs)
    .filter((v) => v !== 'get' && v !== 'list' && v !== 'watch');
const pem = (s: Rendered, key: string): string => Buffer.from(s.data![key], 'base64').toString('utf8');

describe('charts/attache: the xDS client certificate issuer', () => {
  it("keeps the generated CA's key in <fullname>-xds-ca, mounts it into the control plane only, and passes the flags", async () => {
    const objects = await render('envoy.enabled=true', 'envoy.gateway=apps/gw');
    const caSecret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'r-attache-xds-ca')!;
    expect(Object.keys(caSecret.data!).sort()).toEqual(['tls.crt', 'tls.key']);
    // The CA the server certificate chains to (the ca.crt Envoys get), and its key: what Helm's genCA writes, read by the control plane.
    const server = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'r-attache-xds-server')!;
    expect(pem(server, 'ca.crt')).toBe(pem(caSecret, 'tls.crt'));
    const ca = await loadIssuerCa(pem(caSecret, 'tls.crt'), pem(caSecret, 'tls.key'), { cert: 'tls.crt', key: 'tls.key' });
    expect(new X509Certificate(pem(server, 'tls.crt')).verify(ca.cert.publicKey)).toBe(true);

    const pod = controlPlane(objects);
    const cp = pod.containers.find((c) => c.name === 'attache')!;
    expect(cp.args).toEqual(
      expect.arrayContaining(['--xds-issuer-ca-cert=/etc/attache/xds-issuer/tls.crt', '--xds-issuer-ca-key=/etc/attache/xds-issuer/tls.key']),
    );
    expect(cp.volumeMounts).toContainEqual({ name: 'xds-issuer', mountPath: '/etc/attache/xds-issuer', readOnly: true });
    expect(pod.volumes.find((v) => v.name === 'xds-issuer')?.secret?.secretName).toBe('r-attache-xds-ca');
    // No other Pod mounts the CA (the chart's own Envoys get their client certificate only).
    const mounting = objects.filter((o) => o.kind === 'Deployment' && o.spec!.template.spec.volumes.some((v) => v.secret?.secretName === 'r-attache-xds-ca'));
    expect(mounting.map((o) => o.metadata.name)).toEqual(['r-attache']);
    expect(secretWrites(objects).sort()).toEqual(['create', 'delete', 'patch']);
  });

  it('with your own certificates: issues only with xds.tls.issuerSecretName', async () => {
    const own = ['xds.tls.serverSecretName=my-server', 'xds.tls.clientSecretName=my-client'];
    const off = await render(...own);
    expect(controlPlane(off).containers[0].args.filter((a) => a.startsWith('--xds-issuer'))).toEqual([]);
    expect(controlPlane(off).volumes.map((v) => v.name)).not.toContain('xds-issuer');
    expect(secretWrites(off)).toEqual([]);
    expect(off.some((o) => o.metadata.name === 'r-attache-xds-ca')).toBe(false);

    const on = await render(...own, 'xds.tls.issuerSecretName=my-ca');
    expect(controlPlane(on).volumes.find((v) => v.name === 'xds-issuer')?.secret?.secretName).toBe('my-ca');
    expect(controlPlane(on).containers[0].args).toContain('--xds-issuer-ca-key=/etc/attache/xds-issuer/tls.key');
    expect(secretWrites(on).sort()).toEqual(['create', 'delete', 'patch']);
  });

  it('without provisioning: no issuer, no Secret writes', async () => {
    const objects = await render('provision.enabled=false');
    expect(controlPlane(objects).containers[0].args.filter((a) => a.startsWith('--xds-issuer'))).toEqual([]);
    expect(secretWrites(objects)).toEqual([]);
  });
});
