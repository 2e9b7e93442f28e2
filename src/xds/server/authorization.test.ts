import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { fakeGateway } from '../../../test/support/fake-resources';
import { TypeUrl } from '../resources';
import {
  issueCertificate,
  issueGatewayClientCertificate,
  makeCertificateAuthority,
  type TestCertificate,
  type TestCertificateAuthority,
} from '../../../test/support/certificates';
import {
  authorize,
  DEFAULT_TRUST_DOMAIN,
  gatewayDnsName,
  gatewayOfSan,
  gatewaySpiffeId,
  isTrustDomain,
  parseSubjectAltName,
  peerIdentity,
  REFUSAL_LOG_ENTRIES,
  REFUSAL_LOG_WINDOW_MS,
  RefusalLog,
  type XdsPeerIdentity,
} from './authorization';
import { type AdsHarness, fakeNode, resourceNames, startAdsHarness } from '../../../test/support/fake-ads-client';
import { xdsServerCredentials, XdsTlsFileProvider } from './tls';

const TD = DEFAULT_TRUST_DOMAIN;

describe('parseSubjectAltName', () => {
  it("reads Node's text, quoted values included", () => {
    expect(parseSubjectAltName('DNS:a.example, URI:spiffe://td/ns/a/gateway/b, IP Address:127.0.0.1')).toEqual([
      { type: 'DNS', value: 'a.example' },
      { type: 'URI', value: 'spiffe://td/ns/a/gateway/b' },
      { type: 'IP Address', value: '127.0.0.1' },
    ]);
    // A comma inside a value is quoted by Node, so it cannot smuggle in a second entry.
    expect(parseSubjectAltName('URI:"spiffe://td/x\\u002cURI:spiffe://evil", DNS:"q\\"x"')).toEqual([
      { type: 'URI', value: 'spiffe://td/x,URI:spiffe://evil' },
      { type: 'DNS', value: 'q"x' },
    ]);
    expect(parseSubjectAltName('')).toEqual([]);
  });

  it('gives undefined for text it cannot read', () => {
    expect(parseSubjectAltName('DNS:a,DNS:b')).toBeUndefined();
    expect(parseSubjectAltName('URI:"unterminated')).toBeUndefined();
    expect(parseSubjectAltName('no colon')).toBeUndefined();
  });
});

describe('gatewayOfSan', () => {
  const uri = (value: string): string | undefined => gatewayOfSan({ type: 'URI', value }, TD);
  const dns = (value: string): string | undefined => gatewayOfSan({ type: 'DNS', value }, TD);

  it('reads the SPIFFE URI form', () => {
    expect(uri('spiffe://cluster.local/ns/default/gateway/grpc-gateway')).toBe('default/grpc-gateway');
    expect(uri('spiffe://cluster.local/ns/team-a/gateway/edge.v2')).toBe('team-a/edge.v2');
    expect(uri(gatewaySpiffeId('ns1/gw1'))).toBe('ns1/gw1');
  });

  it('reads the DNS form; a namespace has no dot, so a dotted Gateway name is unambiguous', () => {
    expect(dns('grpc-gateway.default.gateway.cluster.local')).toBe('default/grpc-gateway');
    expect(dns('edge.v2.team-a.gateway.cluster.local')).toBe('team-a/edge.v2');
    expect(dns('Edge.Team-A.Gateway.Cluster.Local')).toBe('team-a/edge');
    expect(dns(gatewayDnsName('ns1/gw1'))).toBe('ns1/gw1');
  });

  it('names no Gateway for another trust domain, another kind of identity, or names Kubernetes would refuse', () => {
    for (const value of [
      'spiffe://example.org/ns/default/gateway/gw', // another trust domain
      'spiffe://cluster.local.evil/ns/default/gateway/gw',
      'spiffe://cluster.local/ns/default/sa/gw', // a workload (e.g. Istio) identity
      'spiffe://cluster.local/ns/default/gateway/gw/extra',
      'spiffe://cluster.local/ns/default/gateway/',
      'spiffe://cluster.local/ns//gateway/gw',
      'spiffe://cluster.local/ns/Default/gateway/gw',
      'spiffe://cluster.local/ns/default/gateway/-gw',
      'spiffe://cluster.local/ns/default/gateway/*',
      'https://cluster.local/ns/default/gateway/gw',
    ]) {
      expect([value, uri(value)]).toEqual([value, undefined]);
    }
    for (const value of [
      'default.gateway.cluster.local',
      'gw.default.gateway.cluster.local.evil',
      'gw.default.gateway.example.org',
      '*.default.gateway.cluster.local',
      'attache.attache-system.svc',
    ]) {
      expect([value, dns(value)]).toEqual([value, undefined]);
    }
    expect(gatewayOfSan({ type: 'email', value: 'gw.default.gateway.cluster.local' }, TD)).toBeUndefined();
    expect(gatewayOfSan({ type: 'URI', value: 'spiffe://example.org/ns/default/gateway/gw' }, 'example.org')).toBe('default/gw');
  });
});

describe('isTrustDomain', () => {
  it('accepts SPIFFE trust domain names only', () => {
    expect(['cluster.local', 'example.org', 'prod_1-a'].filter(isTrustDomain)).toHaveLength(3);
    expect(['', 'Cluster.local', 'a/b', '.local', 'local.', 'a b'].filter(isTrustDomain)).toEqual([]);
  });
});

describe('authorize', () => {
  const peer = (gateways: string[]): XdsPeerIdentity => ({
    transport: 'mtls',
    gateways,
    certificate: { subject: 'CN=envoy', subjectAltName: '', serialNumber: '01', fingerprint256: 'AA' },
  });

  it('serves exactly the Gateways the certificate names', () => {
    expect(authorize(peer(['default/a']), 'default/a', true, TD)).toEqual({ allowed: true });
    expect(authorize(peer(['default/a', 'other/b']), 'other/b', true, TD)).toEqual({ allowed: true });
    expect(authorize(peer(['default/a']), 'default/b', true, TD)).toEqual({
      allowed: false,
      reason:
        'node.cluster "default/b": this client certificate names only Gateway default/a; serving that Gateway needs a certificate with ' +
        'URI SAN spiffe://cluster.local/ns/default/gateway/b or DNS SAN b.default.gateway.cluster.local',
    });
    expect(authorize(peer([]), 'default/a', true, TD)).toMatchObject({ allowed: false, reason: expect.stringContaining('names no Gateway') });
    expect(authorize(peer(['default/a']), '', true, TD)).toMatchObject({ allowed: false, reason: expect.stringContaining('not a Gateway NAMESPACE/NAME') });
    // A client-chosen node.cluster is quoted back bounded.
    const huge = authorize(peer(['default/a']), `default/${'x'.repeat(100_000)}`, true, TD);
    expect(huge.allowed ? '' : huge.reason.length).toBeLessThan(500);
  });

  it('trusts every plaintext client (single-tenant loopback mode), and none where mTLS is on', () => {
    expect(authorize({ transport: 'plaintext' }, 'default/a', false, TD)).toEqual({ allowed: true });
    expect(authorize({ transport: 'plaintext' }, 'default/a', true, TD)).toMatchObject({ allowed: false });
  });
});

describe('RefusalLog', () => {
  it('warns once per certificate and Gateway per window, then says how many were refused since', () => {
    let now = 0;
    const log = new RefusalLog(() => now);
    expect(log.warn('fp1 default/b')).toEqual({ repeats: 0 });
    expect(log.warn('fp1 default/b')).toBeUndefined();
    expect(log.warn('fp1 default/b')).toBeUndefined();
    expect(log.warn('fp1 default/c')).toEqual({ repeats: 0 });
    expect(log.warn('fp2 default/b')).toEqual({ repeats: 0 });
    now = REFUSAL_LOG_WINDOW_MS;
    expect(log.warn('fp1 default/b')).toEqual({ repeats: 2 });
    expect(log.warn('fp1 default/b')).toBeUndefined();
  });

  it(`remembers at most ${REFUSAL_LOG_ENTRIES} pairs, forgetting the least recently logged`, () => {
    const log = new RefusalLog(() => 0);
    for (let i = 0; i <= REFUSAL_LOG_ENTRIES; i++) log.warn(`fp ${i}`);
    expect(log.warn(`fp ${REFUSAL_LOG_ENTRIES}`)).toBeUndefined();
    expect(log.warn('fp 0')).toEqual({ repeats: 0 }); // forgotten, so warned again
  });
});

describe('peerIdentity', () => {
  it('is plaintext without a verified certificate', () => {
    expect(peerIdentity({}, TD)).toEqual({ transport: 'plaintext' });
    expect(peerIdentity({ transportSecurityType: 'ssl' }, TD)).toEqual({ transport: 'plaintext' });
  });
});

/**
 * The policy on the wire: a real mTLS server (tls.ts credentials) and the fake ADS client with
 * per-Gateway certificates, so `call.getAuthContext()` is exercised as Envoy would exercise it.
 */
describe('xDS over mTLS: a client gets only the Gateways its certificate names', () => {
  const SERVER_NAME = 'xds.attache.test';
  let ca: TestCertificateAuthority;
  let dir: string;
  let provider: XdsTlsFileProvider;
  let certs: Record<'a' | 'aDns' | 'both' | 'none', TestCertificate>;
  const harnesses: AdsHarness[] = [];
  let logs: string[];

  beforeAll(async () => {
    ca = await makeCertificateAuthority('Attache xDS CA');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-xds-authz-'));
    const server = await issueCertificate([SERVER_NAME], { ca });
    const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key'), clientCaFile: path.join(dir, 'ca.crt') };
    fs.writeFileSync(files.certFile, server.certPem);
    fs.writeFileSync(files.keyFile, server.keyPem);
    fs.writeFileSync(files.clientCaFile, ca.certPem);
    provider = new XdsTlsFileProvider(files, pino({ level: 'silent' }), 3_600_000);
    certs = {
      a: await issueGatewayClientCertificate(ca, ['team-a/gw'], { commonName: 'envoy-of-a' }),
      aDns: await issueGatewayClientCertificate(ca, ['team-a/gw'], { form: 'dns' }),
      both: await issueGatewayClientCertificate(ca, ['team-a/gw', 'team-b/gw']),
      none: await issueCertificate(['envoy.attache.test'], { ca, usage: 'client' }),
    };
  });
  afterAll(() => {
    provider.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  async function serve(client: TestCertificate): Promise<AdsHarness> {
    logs = [];
    const h = await startAdsHarness({
      serverCredentials: xdsServerCredentials(provider),
      clientCredentials: grpc.credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(client.keyPem), Buffer.from(client.certPem)),
      clientOptions: { 'grpc.ssl_target_name_override': SERVER_NAME, 'grpc.default_authority': SERVER_NAME },
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    });
    harnesses.push(h);
    // Both Gateways have a listener secret: the refused client must not see B's.
    h.publish(fakeGateway({ secret: { name: 'team-a-cert', certificate: 'A-CERT' } }), 'team-a/gw');
    h.publish(fakeGateway({ secret: { name: 'team-b-cert', certificate: 'B-CERT' } }), 'team-b/gw');
    return h;
  }

  /** Asks for `gateway`'s secrets: resolves to the names sent, or to the status the stream ended with. */
  function askForSecrets(h: AdsHarness, gateway: string): Promise<string[] | grpc.StatusObject> {
    const s = h.sotw();
    s.send({
      node: fakeNode(gateway, `envoy-of-${gateway}`),
      type_url: TypeUrl.Secret,
      resource_names: [gateway === 'team-a/gw' ? 'team-a-cert' : 'team-b-cert'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('neither a response nor the end of the stream within 10 s')), 10_000);
      const cancel = s.wait((response) => {
        clearTimeout(timer);
        resolve(resourceNames(response));
      });
      void s.status.then((status) => {
        clearTimeout(timer);
        cancel();
        resolve(status);
      });
    });
  }

  it('serves the Gateway the certificate names, in the URI form and in the DNS form', async () => {
    expect(await askForSecrets(await serve(certs.a), 'team-a/gw')).toEqual(['team-a-cert']);
    expect(await askForSecrets(await serve(certs.aDns), 'team-a/gw')).toEqual(['team-a-cert']);
  });

  it("refuses another Gateway's configuration with PERMISSION_DENIED, sends nothing, and logs the peer identity", async () => {
    const h = await serve(certs.a);
    const result = await askForSecrets(h, 'team-b/gw');
    expect(result).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining('node.cluster "team-b/gw": this client certificate names only Gateway team-a/gw'),
    });
    expect(h.events.pushes).toEqual([]);
    expect(h.server.connections()).toEqual([]);
    const refusal = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'xDS stream refused: the client may not ask for this Gateway');
    expect(refusal).toMatchObject({
      level: 40,
      key: 'team-b/gw',
      node: 'envoy-of-team-b/gw',
      peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      identity: { gateways: ['team-a/gw'], subject: 'CN=envoy-of-a', subjectAltName: 'URI:spiffe://cluster.local/ns/team-a/gateway/gw' },
    });
    expect(logs.join('\n')).not.toMatch(/PRIVATE KEY|B-CERT/);
    // A client that retries is refused every time, but warned about once per window.
    expect(await askForSecrets(h, 'team-b/gw')).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    expect(logs.filter((l) => l.includes('xDS stream refused'))).toHaveLength(1);
  });

  it('serves every Gateway a certificate names, and none to a certificate that names no Gateway', async () => {
    const both = await serve(certs.both);
    expect(await askForSecrets(both, 'team-a/gw')).toEqual(['team-a-cert']);
    expect(await askForSecrets(both, 'team-b/gw')).toEqual(['team-b-cert']);
    const none = await serve(certs.none);
    expect(await askForSecrets(none, 'team-a/gw')).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('names no Gateway') });
  });

  it('holds on Delta streams too', async () => {
    const h = await serve(certs.a);
    const s = h.delta();
    s.send({ node: fakeNode('team-b/gw'), type_url: TypeUrl.Secret, resource_names_subscribe: ['team-b-cert'] });
    expect(await s.status).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    expect(h.events.pushes).toEqual([]);
  });
});
