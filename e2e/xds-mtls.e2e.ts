/**
 * xDS over mTLS, end to end: `attache serve --xds-tls-*` and an Envoy started from
 * `attache bootstrap --xds-tls-*` (the real CLI for both), a real gRPC call routed through it.
 * Then the Envoys that must get nothing: no client certificate, a certificate from another CA,
 * plaintext, and one that expects another server name. Then authorization: a certificate names
 * the Gateways its holder may ask for, so a real Envoy and a rogue ADS client holding Gateway A's
 * certificate get nothing of Gateway B (whose listener key is served over SDS), and the refusal
 * is logged with their identity. And the plaintext rule of the CLI.
 */
import { execFile } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import type { ProtoGrpcType } from '../src/generated/ads';
import type { DiscoveryRequest } from '../src/generated/envoy/service/discovery/v3/DiscoveryRequest';
import type { DiscoveryResponse__Output } from '../src/generated/envoy/service/discovery/v3/DiscoveryResponse';
import {
  issueCertificate,
  issueGatewayClientCertificate,
  makeCertificateAuthority,
  type TestCertificate,
  type TestCertificateAuthority,
  tlsSecret,
} from '../test/support/certificates';
import { adsPackageDefinition } from '../src/xds/proto';
import { TypeUrl } from '../src/xds/resources';
import { AdsTestStream, nextResponse } from '../test/support/fake-ads-client';
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
  toYaml,
  validateEnvoyConfig,
  waitFor,
} from '../test/harness';

const EXAMPLES = path.join(ROOT, 'examples');
const GATEWAY = 'default/grpc-gateway';
const SERVER_NAME = 'attache-xds.e2e.test';
/** A second tenant's Gateway: one HTTPS listener, whose certificate and key go out over SDS. */
const GATEWAY_B = 'default/tenant-b';
const SECRET_B = 'tenant-b-cert';

/** Gateway B, its listener's Secret and a route, beside the examples (which hold Gateway A). */
async function tenantB(): Promise<string> {
  const ca = await makeCertificateAuthority('Tenant B CA');
  const listenerCert = await issueCertificate(['b.example.com'], { ca });
  return toYaml([
    tlsSecret('default', SECRET_B, listenerCert),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'tenant-b', namespace: 'default' },
      spec: {
        gatewayClassName: 'attache',
        listeners: [{ name: 'https', port: 8443, protocol: 'HTTPS', hostname: 'b.example.com', tls: { certificateRefs: [{ name: SECRET_B }] } }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'tenant-b', namespace: 'default' },
      spec: { parentRefs: [{ name: 'tenant-b' }], rules: [{ backendRefs: [{ name: 'echo-v1', port: 8080 }] }] },
    },
  ]);
}

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
  /** Gateway A's certificate (a SPIFFE URI SAN naming default/grpc-gateway), B's, and one from another CA. */
  let client: { cert: string; key: string };
  let clientB: { cert: string; key: string };
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
    client = writePem(dir, 'envoy', await issueGatewayClientCertificate(ca, [GATEWAY], { commonName: 'envoy-of-a' }));
    // B's in the DNS form the Helm chart issues.
    clientB = writePem(dir, 'envoy-b', await issueGatewayClientCertificate(ca, [GATEWAY_B], { form: 'dns' }));
    strangerClient = writePem(dir, 'stranger', await issueGatewayClientCertificate(stranger, [GATEWAY]));

    const docs = fs.readdirSync(EXAMPLES).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as unknown));
    backends = await startEchoBackends(backendsFromEndpointSlices(docs));
    const manifests = path.join(dir, 'manifests');
    fs.mkdirSync(manifests);
    for (const f of fs.readdirSync(EXAMPLES)) fs.copyFileSync(path.join(EXAMPLES, f), path.join(manifests, f));
    fs.writeFileSync(path.join(manifests, '50-tenant-b.yaml'), await tenantB());
    cp = await startControlPlane({
      manifests,
      defaultAddress: loopbackAddress(100),
      tls: { certFile: server.cert, keyFile: server.key, clientCaFile: caFile },
    });
  });

  afterAll(async () => {
    await backends?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `attache bootstrap` for an Envoy with `id` of `gateway`, over mTLS with `tlsArgs` (or --xds-plaintext). */
  async function bootstrap(id: string, tlsArgs: readonly string[], gateway = GATEWAY): Promise<string> {
    const r = await attache([
      'bootstrap',
      '--gateway',
      gateway,
      '--node-id',
      id,
      '--xds',
      `${cp.xds.host}:${cp.xds.port}`,
      '--admin',
      '127.0.0.1:0',
      ...tlsArgs,
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return r.stdout;
  }

  const mtlsArgs = (c: { cert: string; key: string }, serverName = SERVER_NAME): string[] => [
    '--xds-tls-cert',
    c.cert,
    '--xds-tls-key',
    c.key,
    '--xds-tls-ca',
    caFile,
    '--xds-tls-server-name',
    serverName,
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
    const clientNext = await issueGatewayClientCertificate(caB, [GATEWAY]);
    const volume = path.join(dir, 'volume');
    fs.mkdirSync(volume);
    const pem = (c: TestCertificate): Record<string, string> => ({ 'tls.crt': c.certPem, 'tls.key': c.keyPem, 'ca.crt': ca.certPem });
    writeLikeKubelet(volume, pem({ certPem: fs.readFileSync(client.cert, 'utf8'), keyPem: fs.readFileSync(client.key, 'utf8') }), 1);

    const address = loopbackAddress(101);
    const serverFiles = { certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
    const first = await startControlPlane({ manifests: EXAMPLES, defaultAddress: address, tls: { ...serverFiles, clientCaFile: caFile } });
    const output = path.join(fs.mkdtempSync(path.join(dir, 'bootstrap-')), 'envoy.yaml');
    const r = await attache([
      'bootstrap',
      '--gateway',
      GATEWAY,
      '--node-id',
      id,
      '--xds',
      `127.0.0.1:${first.xds.port}`,
      '--admin',
      '127.0.0.1:0',
      '--xds-tls-cert',
      path.join(volume, 'tls.crt'),
      '--xds-tls-key',
      path.join(volume, 'tls.key'),
      '--xds-tls-ca',
      path.join(volume, 'ca.crt'),
      '--xds-tls-server-name',
      SERVER_NAME,
      '--xds-tls-reload',
      '--output',
      output,
    ]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const envoy = await startEnvoy({ bootstrapPath: output, id, cluster: GATEWAY });
    await envoy.waitForListener(10080, 20_000);
    expect(await first.debug('/proxies')).toContain(id);

    // The Secret is renewed with a certificate of another CA; Envoy reloads it from the volume.
    writeLikeKubelet(volume, pem(clientNext), 2);
    // A reload from the watched folder counts in no SDS stat; admin's /certs shows what is in use.
    const serial = new X509Certificate(clientNext.certPem).serialNumber.toLowerCase();
    await waitFor(async () => (await envoy.admin('/certs')).includes(`"serial_number": "${serial}"`), {
      timeoutMs: 20_000,
      description: 'Envoy reloading its client certificate',
    });
    // A control plane that trusts only the new CA, on the same address: Envoy gets back in only
    // if it now presents the new certificate.
    await first.kill();
    const second = await startControlPlane({
      dir: first.dir,
      xdsPort: first.xds.port,
      debugPort: first.debugPort,
      defaultAddress: address,
      tls: { ...serverFiles, clientCaFile: caBFile },
    });
    await waitFor(async () => (await second.debug('/proxies')).includes(id), { timeoutMs: 20_000, description: 'Envoy reconnected with the new certificate' });
    await awaitConvergence(async () => {
      const call = await callEcho({ target: `${address}:10080`, authority: 'methods.example.com', method: 'Echo' });
      expect(call.code).toBe(grpc.status.OK);
    });
    await envoy.stop();
    await second.stop();
    fs.rmSync(first.dir, { recursive: true, force: true });
  });

  describe('authorization: a certificate gets only the Gateways it names', () => {
    /** The control plane's log lines (pino JSON) that refused a stream, parsed. */
    const refusals = (): Array<Record<string, unknown>> =>
      cp.proc
        .logs()
        .split('\n')
        .filter((line) => line.includes('xDS stream refused'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);

    it("an Envoy with Gateway B's certificate gets B's configuration, its listener key included", async () => {
      const id = 'envoy-of-b';
      const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, mtlsArgs(clientB), GATEWAY_B), id, cluster: GATEWAY_B });
      await envoy.waitForListener(8443, 20_000);
      const dump = JSON.stringify(await envoy.configDump());
      expect(dump).toContain(SECRET_B);
      expect(dump).toContain('listener/');
      await envoy.stop();
    });

    it("an Envoy with Gateway A's certificate that asks for Gateway B gets nothing, and the refusal names its identity", async () => {
      const id = 'a-asking-for-b';
      const envoy = await startEnvoy({ bootstrapYaml: await bootstrap(id, mtlsArgs(client), GATEWAY_B), id, cluster: GATEWAY_B });
      // The TLS handshake succeeds, so Envoy keeps its connection and retries the stream on it.
      await waitFor(() => refusals().filter((r) => r.node === id).length >= 3, { timeoutMs: 30_000, description: `${id}: 3 refused streams` });
      const stats = await envoy.stats('cds.update_success|lds.update_success');
      expect(stats).toMatchObject({ 'cluster_manager.cds.update_success': 0, 'listener_manager.lds.update_success': 0 });
      expect(await cp.debug('/proxies')).not.toContain(id);
      const dump = JSON.stringify(await envoy.configDump());
      expect(dump).not.toContain(SECRET_B);
      expect(dump).not.toContain('dynamic_active_secrets');
      expect(refusals()).toContainEqual(
        expect.objectContaining({
          level: 40,
          node: id,
          key: GATEWAY_B,
          peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
          identity: expect.objectContaining({
            gateways: [GATEWAY],
            subject: 'CN=envoy-of-a',
            subjectAltName: 'URI:spiffe://cluster.local/ns/default/gateway/grpc-gateway',
          }),
          reason: expect.stringContaining('node.cluster "default/tenant-b": this client certificate names only Gateway default/grpc-gateway'),
        }),
      );
      await envoy.stop();
    });

    it("a rogue ADS client with Gateway A's certificate asking for B's Secret by name is refused with PERMISSION_DENIED and gets no response", async () => {
      const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
      const Client = loaded.envoy.service.discovery.v3.AggregatedDiscoveryService;
      const credentials = grpc.credentials.createSsl(fs.readFileSync(caFile), fs.readFileSync(client.key), fs.readFileSync(client.cert));
      const rogue = new Client(`${cp.xds.host}:${cp.xds.port}`, credentials, {
        'grpc.ssl_target_name_override': SERVER_NAME,
        'grpc.default_authority': SERVER_NAME,
      });
      const stream = new AdsTestStream<DiscoveryRequest, DiscoveryResponse__Output>(rogue.StreamAggregatedResources());
      try {
        stream.send({ node: { id: 'rogue', cluster: GATEWAY_B }, type_url: TypeUrl.Secret, resource_names: [SECRET_B] });
        let timer: NodeJS.Timeout | undefined;
        const status = await Promise.race([stream.status, new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 10_000, undefined)))]);
        clearTimeout(timer);
        expect(status).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('names only Gateway default/grpc-gateway') });
        await expect(nextResponse(stream, 200)).rejects.toThrow('no response');
      } finally {
        stream.close();
        rogue.close();
      }
      expect(refusals()).toContainEqual(expect.objectContaining({ node: 'rogue', key: GATEWAY_B }));
      expect(await cp.debug('/proxies')).not.toContain('rogue');
      // The log says who asked, never what the Secret holds.
      expect(cp.proc.logs()).not.toContain('PRIVATE KEY');
    });
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
      const r = await attache([
        'serve',
        '--path',
        EXAMPLES,
        '--xds-address',
        '127.0.0.1:0',
        '--debug-address',
        '127.0.0.1:0',
        '--xds-tls-cert',
        client.cert,
        '--xds-tls-key',
        strangerClient.key,
        '--xds-tls-client-ca',
        caFile,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`xDS server certificate ${client.cert} / key ${strangerClient.key}`);
      expect(r.stderr).toMatch(/key values mismatch/);
    });
  });
});
