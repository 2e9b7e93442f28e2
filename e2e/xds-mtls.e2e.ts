/**
 * xDS over mTLS, end to end: `attache serve --xds-tls-*` and an Envoy started from
 * `attache bootstrap --xds-tls-*` (the real CLI for both), a real gRPC call routed through it.
 * Then the Envoys that must get nothing: no client certificate, a certificate from another CA,
 * plaintext, and one that expects another server name. And the plaintext rule of the CLI.
 */
import { execFile } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { issueCertificate, makeCertificateAuthority, type TestCertificate, type TestCertificateAuthority } from '../src/testing/certificates';
import {
  awaitConvergence,
  backendsFromEndpointSlices,
  callEcho,
  type EchoBackends,
  loopbackAddress,
  ROOT,
  type RunningControlPlane,
  type RunningEnvoy,
  startControlPlane,
  startEchoBackends,
  startEnvoy,
  validateEnvoyConfig,
  waitFor,
} from './harness';

const EXAMPLES = path.join(ROOT, 'examples');
const GATEWAY = 'default/grpc-gateway';
const SERVER_NAME = 'attache-xds.e2e.test';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function attache(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/attache.js'), ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Writes PEMs into `dir` and returns their paths. */
function writePem(dir: string, name: string, cert: TestCertificate): { cert: string; key: string } {
  const paths = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  fs.writeFileSync(paths.cert, cert.certPem);
  fs.writeFileSync(paths.key, cert.keyPem);
  return paths;
}

/**
 * Writes `files` into `dir` as the kubelet updates a Secret volume: into a new hidden folder,
 * then `..data` swapped to it by a rename (atomic), with one symlink per file through `..data`.
 */
function writeLikeKubelet(dir: string, files: Record<string, string>, generation: number): void {
  const real = path.join(dir, `..generation_${generation}`);
  fs.mkdirSync(real);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(real, name), content);
  const tmp = path.join(dir, '..data_tmp');
  fs.symlinkSync(path.basename(real), tmp);
  fs.renameSync(tmp, path.join(dir, '..data'));
  for (const name of Object.keys(files)) if (!fs.existsSync(path.join(dir, name))) fs.symlinkSync(path.join('..data', name), path.join(dir, name));
}

describe('xDS over mTLS', () => {
  let dir: string;
  let ca: TestCertificateAuthority;
  let caFile: string;
  let client: { cert: string; key: string };
  let strangerClient: { cert: string; key: string };
  let cp: RunningControlPlane;
  let backends: EchoBackends;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-xds-mtls-'));
    ca = await makeCertificateAuthority('Attache xDS CA');
    const stranger = await makeCertificateAuthority('Some Other CA');
    caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, ca.certPem);
    const server = writePem(dir, 'server', await issueCertificate([SERVER_NAME], { ca }));
    client = writePem(dir, 'envoy', await issueCertificate(['envoy.e2e.test'], { ca, usage: 'client' }));
    strangerClient = writePem(dir, 'stranger', await issueCertificate(['envoy.e2e.test'], { ca: stranger, usage: 'client' }));

    const docs = fs.readdirSync(EXAMPLES).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as unknown));
    backends = await startEchoBackends(backendsFromEndpointSlices(docs));
    cp = await startControlPlane({
      manifests: EXAMPLES,
      defaultAddress: loopbackAddress(100),
      tls: { certFile: server.cert, keyFile: server.key, clientCaFile: caFile },
    });
  });

  afterAll(async () => {
    await backends?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `attache bootstrap` for an Envoy with `id`, over mTLS with `tlsArgs` (or --xds-plaintext). */
  async function bootstrap(id: string, tlsArgs: readonly string[]): Promise<string> {
    const r = await attache(['bootstrap', '--gateway', GATEWAY, '--node-id', id, '--xds', `${cp.xds.host}:${cp.xds.port}`, '--admin', '127.0.0.1:0', ...tlsArgs]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return r.stdout;
  }

  const mtlsArgs = (c: { cert: string; key: string }, serverName = SERVER_NAME): string[] => [
    '--xds-tls-cert', c.cert, '--xds-tls-key', c.key, '--xds-tls-ca', caFile, '--xds-tls-server-name', serverName,
  ];

  it('the control plane says it serves mTLS', () => {
    expect(cp.proc.logs()).toMatch(/attache: xDS on 127\.0\.0\.1:\d+ \(mTLS\)/);
  });

  it('an mTLS bootstrap passes envoy --mode validate', async () => {
    const yaml = await bootstrap('validate', mtlsArgs(client));
    expect(await validateEnvoyConfig(yaml)).toMatchObject({ ok: true });
  });

  it('routes a gRPC call through an Envoy configured over mTLS', async () => {
    const id = 'mtls-envoy';
    const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, mtlsArgs(client)), id, cluster: GATEWAY });
    await envoy.waitForListener(10080, 20_000);
    await awaitConvergence(async () => {
      const r = await callEcho({ target: `${loopbackAddress(100)}:10080`, authority: 'methods.example.com', method: 'Echo' });
      expect(r.code).toBe(grpc.status.OK);
      expect(r.pod?.startsWith('echo-v1')).toBe(true);
    });
    expect((await envoy.stats('ssl.handshake'))['cluster.xds_cluster.ssl.handshake']).toBeGreaterThanOrEqual(1);
    expect(await cp.debug('/proxies')).toContain(id);
    await envoy.stop();
  });

  /**
   * Waits until Envoy has tried the control plane `attempts` times, then checks it still has no
   * configuration at all and the control plane never counted it as a proxy.
   */
  async function expectNoConfiguration(envoy: RunningEnvoy, id: string, attempts = 3): Promise<void> {
    await waitFor(async () => ((await envoy.stats('xds_cluster.upstream_cx_total'))['cluster.xds_cluster.upstream_cx_total'] ?? 0) >= attempts, {
      timeoutMs: 30_000,
      description: `${id}: ${attempts} connection attempts to the control plane`,
    });
    // Not control_plane.connected_state: Envoy sets it as soon as it opens a stream, before the
    // connection is even up, so a rejected Envoy shows 1 for a moment on every attempt.
    const stats = await envoy.stats('cds.update_success|lds.update_success');
    expect(stats).toMatchObject({ 'cluster_manager.cds.update_success': 0, 'listener_manager.lds.update_success': 0 });
    const dump = JSON.stringify(await envoy.configDump());
    expect(dump).not.toContain('listener/');
    expect(await cp.debug('/proxies')).not.toContain(id);
  }

  it('gives nothing to an Envoy without a client certificate', async () => {
    const id = 'no-client-cert';
    const doc = parseYaml(await bootstrap(id, mtlsArgs(client))) as {
      static_resources: { clusters: Array<{ transport_socket: { typed_config: { common_tls_context: { tls_certificates?: unknown } } } }> };
    };
    delete doc.static_resources.clusters[0].transport_socket.typed_config.common_tls_context.tls_certificates;
    const envoy = await startEnvoy({ bootstrapYaml: stringify(doc), id, cluster: GATEWAY });
    await expectNoConfiguration(envoy, id);
    await envoy.stop();
  });

  it('gives nothing to an Envoy whose client certificate comes from another CA', async () => {
    const id = 'stranger-cert';
    const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, mtlsArgs(strangerClient)), id, cluster: GATEWAY });
    await expectNoConfiguration(envoy, id);
    await envoy.stop();
  });

  it('gives nothing to a plaintext Envoy', async () => {
    const id = 'plaintext-envoy';
    const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, ['--xds-plaintext']), id, cluster: GATEWAY });
    await expectNoConfiguration(envoy, id);
    await envoy.stop();
  });

  it('an Envoy refuses a control plane whose certificate does not carry the expected name', async () => {
    const id = 'wrong-server-name';
    const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, mtlsArgs(client, 'someone-else.e2e.test')), id, cluster: GATEWAY });
    await waitFor(async () => ((await envoy.stats('ssl.fail_verify_san'))['cluster.xds_cluster.ssl.fail_verify_san'] ?? 0) >= 1, {
      timeoutMs: 30_000,
      description: 'Envoy refusing the server certificate by its SAN',
    });
    await expectNoConfiguration(envoy, id, 1);
    await envoy.stop();
  });

  it('an Envoy bootstrapped with --xds-tls-reload picks up a rotated client certificate (Kubernetes Secret volume style)', async () => {
    const id = 'reloading-envoy';
    const caB = await makeCertificateAuthority('Attache xDS CA, next');
    const caBFile = path.join(dir, 'ca-next.crt');
    fs.writeFileSync(caBFile, caB.certPem);
    const clientB = await issueCertificate(['envoy.e2e.test'], { ca: caB, usage: 'client' });
    const volume = path.join(dir, 'volume');
    fs.mkdirSync(volume);
    const pem = (c: TestCertificate): Record<string, string> => ({ 'tls.crt': c.certPem, 'tls.key': c.keyPem, 'ca.crt': ca.certPem });
    writeLikeKubelet(volume, pem({ certPem: fs.readFileSync(client.cert, 'utf8'), keyPem: fs.readFileSync(client.key, 'utf8') }), 1);

    const address = loopbackAddress(101);
    const serverFiles = { certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
    const first = await startControlPlane({ manifests: EXAMPLES, defaultAddress: address, tls: { ...serverFiles, clientCaFile: caFile } });
    const output = path.join(fs.mkdtempSync(path.join(dir, 'bootstrap-')), 'envoy.yaml');
    const r = await attache(['bootstrap', '--gateway', GATEWAY, '--node-id', id, '--xds', `127.0.0.1:${first.xds.port}`, '--admin', '127.0.0.1:0',
      '--xds-tls-cert', path.join(volume, 'tls.crt'), '--xds-tls-key', path.join(volume, 'tls.key'), '--xds-tls-ca', path.join(volume, 'ca.crt'),
      '--xds-tls-server-name', SERVER_NAME, '--xds-tls-reload', '--output', output]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const envoy = await startEnvoy({ bootstrapPath: output, id, cluster: GATEWAY });
    await envoy.waitForListener(10080, 20_000);
    expect(await first.debug('/proxies')).toContain(id);

    // The Secret is renewed with a certificate of another CA; Envoy reloads it from the volume.
    writeLikeKubelet(volume, pem(clientB), 2);
    // A reload from the watched folder counts in no SDS stat; admin's /certs shows what is in use.
    const serial = new X509Certificate(clientB.certPem).serialNumber.toLowerCase();
    await waitFor(async () => (await envoy.admin('/certs')).includes(`"serial_number": "${serial}"`), {
      timeoutMs: 20_000,
      description: 'Envoy reloading its client certificate',
    });
    // A control plane that trusts only the new CA, on the same address: Envoy gets back in only
    // if it now presents the new certificate.
    await first.kill();
    const second = await startControlPlane({ dir: first.dir, xdsPort: first.xds.port, debugPort: first.debugPort, defaultAddress: address, tls: { ...serverFiles, clientCaFile: caBFile } });
    await waitFor(async () => (await second.debug('/proxies')).includes(id), { timeoutMs: 20_000, description: 'Envoy reconnected with the new certificate' });
    await awaitConvergence(async () => {
      const call = await callEcho({ target: `${address}:10080`, authority: 'methods.example.com', method: 'Echo' });
      expect(call.code).toBe(grpc.status.OK);
    });
    await envoy.stop();
    await second.stop();
    fs.rmSync(first.dir, { recursive: true, force: true });
  });

  describe('the CLI', () => {
    it('refuses to serve plaintext unless asked, and then only on loopback', async () => {
      const base = ['serve', '--path', EXAMPLES, '--debug-address', '127.0.0.1:0'];
      const none = await attache([...base, '--xds-address', '0.0.0.0:0']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('xDS needs mTLS: pass --xds-tls-cert, --xds-tls-key, --xds-tls-client-ca (--xds-address 0.0.0.0 is not loopback');
      const open = await attache([...base, '--xds-address', '0.0.0.0:0', '--xds-plaintext']);
      expect(open.code).toBe(2);
      expect(open.stderr).toContain('--xds-plaintext: allowed only with a loopback --xds-address');
      const unasked = await attache([...base, '--xds-address', '127.0.0.1:0']);
      expect(unasked.code).toBe(2);
      expect(unasked.stderr).toContain('or --xds-plaintext to go without TLS on this loopback address');
    });

    it('names a certificate file it cannot use', async () => {
      const r = await attache(['serve', '--path', EXAMPLES, '--xds-address', '127.0.0.1:0', '--debug-address', '127.0.0.1:0',
        '--xds-tls-cert', client.cert, '--xds-tls-key', strangerClient.key, '--xds-tls-client-ca', caFile]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`xDS server certificate ${client.cert} / key ${strangerClient.key}`);
      expect(r.stderr).toMatch(/key values mismatch/);
    });
  });
});
