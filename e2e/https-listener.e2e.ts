/**
 * HTTPS listeners against a real Envoy, once over State-of-the-World ADS and once over Delta:
 * a Gateway with an HTTP listener and two HTTPS listeners on one port (two hostnames, two
 * certificates from a test CA, sent over SDS). gRPC over TLS (ALPN h2) reaches the backend of
 * the listener SNI selected; a renewed certificate reaches Envoy without a Listener update; a
 * broken Secret takes only its own listener down and the status says InvalidCertificateRef.
 */
import { X509Certificate } from 'crypto';
import * as tls from 'tls';
import * as grpc from '@grpc/grpc-js';
import type { GatewayStatusEntry, StatusEntry } from '../src/gatewayapi/status';
import { issueCertificate, makeCertificateAuthority, type TestCertificate, type TestCertificateAuthority, tlsSecret } from '../test/support/certificates';
import {
  awaitConvergence,
  callEcho,
  type GatewayStack,
  loopbackAddress,
  type RunningControlPlane,
  type RunningEnvoy,
  serviceDocs,
  startGatewayStack,
  toYaml,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/tls-gateway';
const SECURE = 'secure.example.com';
const OTHER = 'other.example.com';
const BACKENDS = [
  { pod: 'echo-v1-tls-a1', service: 'echo-v1', address: loopbackAddress(60) },
  { pod: 'echo-v2-tls-a1', service: 'echo-v2', address: loopbackAddress(61) },
];

function httpsListener(name: string, hostname: string, secret: string): object {
  return { name, port: 443, protocol: 'HTTPS', hostname, tls: { certificateRefs: [{ name: secret }] } };
}

/** GatewayClass, Gateway (http on 80, two HTTPS listeners on 443), and one route per backend. */
function gatewayDocs(): object[] {
  const route = (name: string, sections: string[], backend: string): object => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: sections.map((sectionName) => ({ name: 'tls-gateway', sectionName })), rules: [{ backendRefs: [{ name: backend, port: 8080 }] }] },
  });
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache' },
      spec: { controllerName: 'attache.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'tls-gateway', namespace: 'default' },
      spec: {
        gatewayClassName: 'attache',
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP' },
          httpsListener('https', SECURE, 'secure-cert'),
          httpsListener('https-other', OTHER, 'other-cert'),
        ],
      },
    },
    route('secure', ['http', 'https'], 'echo-v1'),
    route('other', ['https-other'], 'echo-v2'),
  ];
}

interface Handshake {
  alpn: string | false;
  fingerprint256: string;
}

/**
 * A bare TLS handshake (offering h2 and http/1.1) that reports what Envoy chose; rejects if it
 * fails. Without a CA the certificate is not checked, so a rejection means Envoy refused the
 * handshake itself (no filter chain for that SNI), not that the client disliked the certificate.
 */
function handshake(address: string, port: number, servername: string, ca?: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const verify = ca === undefined ? { rejectUnauthorized: false } : { ca };
    const socket = tls.connect({ host: address, port, servername, ALPNProtocols: ['h2', 'http/1.1'], ...verify });
    socket.setTimeout(3000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('secureConnect', () => {
      resolve({ alpn: socket.alpnProtocol ?? false, fingerprint256: socket.getPeerCertificate().fingerprint256 });
      socket.end();
    });
    socket.once('error', reject);
  });
}

function fingerprint(cert: TestCertificate): string {
  return new X509Certificate(cert.certPem).fingerprint256;
}

async function listenerConditions(cp: RunningControlPlane, listener: string): Promise<Record<string, string>> {
  const status = JSON.parse(await cp.debug('/status?format=json')) as StatusEntry[];
  const gateway = status.find((s): s is GatewayStatusEntry => s.kind === 'Gateway' && `${s.namespace}/${s.name}` === GATEWAY);
  const l = gateway?.status.listeners.find((x) => x.name === listener);
  return Object.fromEntries((l?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
}

let ca: TestCertificateAuthority;
const certs: Record<'secure' | 'other', TestCertificate> = {} as Record<'secure' | 'other', TestCertificate>;

beforeAll(async () => {
  ca = await makeCertificateAuthority();
  certs.secure = await issueCertificate([SECURE], { ca });
  certs.other = await issueCertificate([OTHER], { ca });
});

describe.each([
  ['State-of-the-World', false, 50],
  ['Delta', true, 51],
])('HTTPS listeners over %s ADS', (mode, delta, addressIndex) => {
  const address = loopbackAddress(addressIndex);
  const secureTarget = `${address}:10443`;
  let stack: GatewayStack;
  let cp: RunningControlPlane;
  let envoy: RunningEnvoy;
  // What the control plane's 30-secrets.yaml holds (the tests renew a certificate).
  let served: Record<'secure' | 'other', TestCertificate>;
  const tlsTo = (servername: string): { ca: string; servername: string } => ({ ca: ca.certPem, servername });
  const writeSecrets = (secure: TestCertificate, other: TestCertificate): void =>
    stack.write('30-secrets.yaml', toYaml([tlsSecret('default', 'secure-cert', secure), tlsSecret('default', 'other-cert', other)]));

  beforeAll(async () => {
    served = { ...certs };
    stack = await startGatewayStack({
      manifests: {
        '00-gateway.yaml': gatewayDocs(),
        '10-backends.yaml': serviceDocs(BACKENDS, { sliceSuffix: 'tls', appProtocol: 'kubernetes.io/h2c' }),
        '30-secrets.yaml': [tlsSecret('default', 'secure-cert', certs.secure), tlsSecret('default', 'other-cert', certs.other)],
      },
      backends: BACKENDS,
      defaultAddress: address,
      envoys: [{ id: `https-${addressIndex}`, gateway: GATEWAY, delta, listenerPorts: [10443, 10080] }],
    });
    ({ cp, envoy } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers gRPC over TLS with ALPN h2, with the certificate and routes of the listener SNI chose', async () => {
    for (const [name, cert, service] of [
      [SECURE, served.secure, 'echo-v1'],
      [OTHER, served.other, 'echo-v2'],
    ] as const) {
      await awaitConvergence(async () => {
        const r = await callEcho({ target: secureTarget, tls: tlsTo(name), authority: name });
        expect(r.code).toBe(grpc.status.OK);
        expect(r.pod?.startsWith(service)).toBe(true);
        expect(r.authority).toBe(name);
      });
      const h = await handshake(address, 10443, name, ca.certPem);
      expect(h.alpn).toBe('h2');
      expect(h.fingerprint256).toBe(fingerprint(cert));
    }
    // The HTTP listener of the same Gateway still serves plaintext gRPC (h2c).
    const plain = await callEcho({ target: `${address}:10080`, authority: SECURE });
    expect(plain.pod?.startsWith('echo-v1')).toBe(true);
  });

  it('keeps private keys out of the debug endpoint', async () => {
    const dump = await cp.debug(`/config_dump?gateway=${GATEWAY}`);
    expect(dump).toContain('default/secure-cert');
    expect(dump).toContain('[redacted]');
    expect(dump).not.toContain(Buffer.from(served.secure.keyPem).toString('base64').slice(0, 60));
  });

  it('refuses a handshake for a name no listener has (no chain without a hostname)', async () => {
    await expect(handshake(address, 10443, 'unknown.example.com')).rejects.toThrow();
  });

  it('sends a renewed certificate over SDS without updating the Listener', async () => {
    const modified = async (): Promise<number> => (await envoy.stats('listener_manager.listener_modified'))['listener_manager.listener_modified'] ?? 0;
    const before = await modified();
    const renewed = await issueCertificate([SECURE], { ca });
    writeSecrets(renewed, served.other);
    await waitFor(async () => (await handshake(address, 10443, SECURE, ca.certPem)).fingerprint256 === fingerprint(renewed), {
      timeoutMs: 10_000,
      description: `renewed certificate served (${mode})`,
    });
    expect(await modified()).toBe(before);
    served.secure = renewed;
  });

  it('a broken Secret takes down only its listener, and status says InvalidCertificateRef', async () => {
    const modifiedBefore = (await envoy.stats('listener_manager.listener_modified'))['listener_manager.listener_modified'];
    // The certificate with another certificate's key: Envoy would refuse to load it.
    const broken = { certPem: served.secure.certPem, keyPem: served.other.keyPem };
    writeSecrets(broken, served.other);
    await waitFor(async () => (await listenerConditions(cp, 'https')).ResolvedRefs === 'False/InvalidCertificateRef', { timeoutMs: 10_000 });
    expect(await listenerConditions(cp, 'https')).toMatchObject({ Accepted: 'True/Accepted', Programmed: 'False/Invalid' });
    expect(await listenerConditions(cp, 'https-other')).toMatchObject({ ResolvedRefs: 'True/ResolvedRefs', Programmed: 'True/Programmed' });
    await waitFor(
      async () =>
        handshake(address, 10443, SECURE).then(
          () => false,
          () => true,
        ),
      { timeoutMs: 10_000 },
    );
    // Its filter chain is gone: a Listener update, unlike the certificate renewal above.
    expect((await envoy.stats('listener_manager.listener_modified'))['listener_manager.listener_modified']).toBeGreaterThan(modifiedBefore);
    await awaitConvergence(async () => {
      expect((await callEcho({ target: `${address}:10080`, authority: SECURE })).pod?.startsWith('echo-v1')).toBe(true);
      expect((await callEcho({ target: secureTarget, tls: tlsTo(OTHER), authority: OTHER })).pod?.startsWith('echo-v2')).toBe(true);
    });

    writeSecrets(served.secure, served.other);
    await awaitConvergence(async () => {
      const r = await callEcho({ target: secureTarget, tls: tlsTo(SECURE), authority: SECURE, freshConnection: true });
      expect(r.pod?.startsWith('echo-v1')).toBe(true);
    });
    expect(await listenerConditions(cp, 'https')).toMatchObject({ ResolvedRefs: 'True/ResolvedRefs', Programmed: 'True/Programmed' });
  });
});
