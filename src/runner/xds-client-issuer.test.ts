import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'crypto';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { type KubernetesObject } from '../apis/meta';
import { type ProvisionOptions } from '../provisioner/options';
import { provision } from '../provisioner/provision';
import { KubeApiError, type KubeClient, type RequestOptions } from '../sources/kubernetes/kube-client';
import { groupByKind } from '../store/resources';
import { TypeUrl } from '../xds/resources';
import { xdsServerCredentials, XdsTlsFileProvider } from '../xds/server/tls';
import { fakeGateway } from '../../test/support/fake-resources';
import { type AdsHarness, fakeNode, resourceNames, startAdsHarness } from '../../test/support/fake-ads-client';
import { issueCertificate, makeCertificateAuthority, type TestCertificateAuthority } from '../../test/support/certificates';
import { type IssuerCa, IssuerCaError, loadIssuerCa } from './xds-client-certificate';
import { DEFAULT_VALIDITY_MS, XdsClientIssuer } from './xds-client-issuer';

type Secret = {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  type?: string;
  data: Record<string, string>;
};

/** An API server of Secrets only: POST creates (409 when it exists), apply replaces, DELETE removes, list filters by our labels. */
class FakeSecrets implements KubeClient {
  readonly secrets = new Map<string, Secret>();
  readonly calls: string[] = [];
  failNext = 0;
  failCreates = 0;

  async request<T>(method: string, p: string, options: RequestOptions = {}): Promise<T> {
    this.calls.push(`${method} ${p}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new KubeApiError(500, 'InternalError', 'injected');
    }
    if (method === 'GET' && p === '/api/v1/secrets') {
      expect(options.query?.labelSelector).toBe('app.kubernetes.io/managed-by=attache,app.kubernetes.io/component=xds-client-certificate');
      const items = [...this.secrets.values()].filter(
        (s) =>
          s.metadata.labels?.['app.kubernetes.io/managed-by'] === 'attache' && s.metadata.labels['app.kubernetes.io/component'] === 'xds-client-certificate',
      );
      return { items: structuredClone(items) } as T;
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(p);
    if (!m) throw new Error(`unexpected ${method} ${p}`);
    const body = structuredClone(options.body) as Secret;
    if (method === 'POST') {
      if (this.failCreates > 0 && this.failCreates--) throw new KubeApiError(500, 'InternalError', 'injected');
      const key = `${m[1]}/${body.metadata.name}`;
      if (this.secrets.has(key)) throw new KubeApiError(409, 'AlreadyExists', `secrets "${body.metadata.name}" already exists`);
      this.secrets.set(key, body);
      return body as T;
    }
    if (method === 'PATCH') {
      expect(options.contentType).toBe('application/apply-patch+yaml');
      expect(options.query).toEqual({ fieldManager: 'attache', force: true });
      this.secrets.set(`${m[1]}/${m[2]}`, body);
      return body as T;
    }
    if (method === 'DELETE') {
      if (!this.secrets.delete(`${m[1]}/${m[2]}`)) throw new KubeApiError(404, 'NotFound', 'not found');
      return {} as T;
    }
    throw new Error(`unexpected ${method} ${p}`);
  }

  watch(): Promise<void> {
    throw new Error('no watch');
  }

  writes(): string[] {
    return this.calls.filter((c) => !c.startsWith('GET'));
  }

  pem(namespace: string, name: string, key: string): string {
    return Buffer.from(this.secrets.get(`${namespace}/${name}`)!.data[key], 'base64').toString('utf8');
  }
}

const OPTIONS: ProvisionOptions = {
  controllerName: 'attache.dev/gateway-controller',
  privilegedPortShift: 10000,
  xdsAddress: { host: 'attache.attache-system.svc', port: 18000 },
  controlPlaneImage: 'attache:test',
};
const CLASS = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'attache' },
  spec: { controllerName: OPTIONS.controllerName },
};

function gateway(namespace: string, name: string, gatewayClassName = 'attache', uid = `uid-${namespace}-${name}`): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace, uid },
    spec: { gatewayClassName, listeners: [{ name: 'grpc', protocol: 'HTTP', port: 80 }] },
  } as KubernetesObject;
}
const wanted = (...objects: KubernetesObject[]) => provision(groupByKind([CLASS as KubernetesObject, ...objects]), OPTIONS);

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2026-12-03T12:00:00Z');

describe('XdsClientIssuer', () => {
  let testCa: TestCertificateAuthority;
  let ca: IssuerCa;
  let now: Date;
  let logs: string[];
  const issuers: XdsClientIssuer[] = [];

  beforeAll(async () => {
    testCa = await makeCertificateAuthority('Attache xDS CA');
    ca = await loadIssuerCa(testCa.certPem, testCa.keyPem, { cert: 'ca.crt', key: 'ca.key' });
  });
  beforeEach(() => {
    now = T0;
    logs = [];
  });
  afterEach(() => {
    for (const i of issuers.splice(0)) i.stop();
  });

  function issuer(api: KubeClient, withCa = ca): XdsClientIssuer {
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const i = new XdsClientIssuer({ client: api, log, ca: withCa, trustDomain: 'cluster.local', now: () => now, retryMs: 3_600_000 });
    issuers.push(i);
    return i;
  }

  async function run(i: XdsClientIssuer, result: ReturnType<typeof wanted>): Promise<void> {
    i.sync(result);
    await i.idle();
  }

  it('writes one kubernetes.io/tls Secret per Gateway, owned by it, whose certificate names exactly that Gateway and chains to the CA', async () => {
    const api = new FakeSecrets();
    await run(issuer(api), wanted(gateway('apps', 'gw'), gateway('team-b', 'other')));
    expect(api.writes()).toEqual(['POST /api/v1/namespaces/apps/secrets', 'POST /api/v1/namespaces/team-b/secrets']);
    const secret = api.secrets.get('apps/attache-gw-xds')!;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    expect(secret.metadata.ownerReferences).toEqual([
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'gw', uid: 'uid-apps-gw', controller: true, blockOwnerDeletion: true },
    ]);
    const cert = new X509Certificate(api.pem('apps', 'attache-gw-xds', 'tls.crt'));
    expect(cert.subjectAltName).toBe('URI:spiffe://cluster.local/ns/apps/gateway/gw');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca.cert) && cert.verify(ca.cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(api.pem('apps', 'attache-gw-xds', 'tls.key')))).toBe(true);
    expect(api.pem('apps', 'attache-gw-xds', 'ca.crt')).toBe(ca.certPem);
    expect(new Date(cert.validTo).getTime() - T0.getTime()).toBe(DEFAULT_VALIDITY_MS);
    // One key per Gateway.
    const other = new X509Certificate(api.pem('team-b', 'attache-other-xds', 'tls.crt'));
    expect(other.subjectAltName).toBe('URI:spiffe://cluster.local/ns/team-b/gateway/other');
    expect(createPublicKey(api.pem('team-b', 'attache-other-xds', 'tls.key')).export({ format: 'jwk' })).not.toEqual(cert.publicKey.export({ format: 'jwk' }));
    // Key material is never logged.
    const keyB64 = api.secrets.get('apps/attache-gw-xds')!.data['tls.key'];
    expect(logs.join('\n')).not.toMatch(/PRIVATE KEY/);
    expect(logs.join('\n')).not.toContain(keyB64.slice(0, 40));
  });

  it('writes nothing while the certificate is fresh, renews it once two thirds of its life are gone, also after a restart', async () => {
    const api = new FakeSecrets();
    const i = issuer(api);
    await run(i, wanted(gateway('apps', 'gw')));
    const first = api.pem('apps', 'attache-gw-xds', 'tls.key');
    api.calls.length = 0;
    now = new Date(T0.getTime() + 19 * DAY);
    await run(i, wanted(gateway('apps', 'gw')));
    i.recheck();
    await i.idle();
    expect(api.calls).toEqual([]);
    // A restarted control plane lists what it made and reads the dates from the certificate.
    const restarted = issuer(api);
    await run(restarted, wanted(gateway('apps', 'gw')));
    expect(api.writes()).toEqual([]);
    now = new Date(T0.getTime() + 21 * DAY);
    restarted.recheck();
    await restarted.idle();
    expect(api.writes()).toEqual(['PATCH /api/v1/namespaces/apps/secrets/attache-gw-xds']);
    expect(api.pem('apps', 'attache-gw-xds', 'tls.key')).not.toBe(first);
    expect(new Date(new X509Certificate(api.pem('apps', 'attache-gw-xds', 'tls.crt')).validFrom).getTime()).toBe(now.getTime() - 60_000);
    expect(restarted.counters()).toMatchObject({ issued: 1, unchanged: 1, failed: 0 });
  });

  it('writes the Secret again for a Gateway deleted and made again under the same name (its owner is the new one)', async () => {
    const api = new FakeSecrets();
    const i = issuer(api);
    await run(i, wanted(gateway('apps', 'gw')));
    // The garbage collector removed the Secret with the old Gateway; the new one has another uid.
    api.secrets.clear();
    api.calls.length = 0;
    await run(i, wanted(gateway('apps', 'gw', 'attache', 'uid-second')));
    expect(api.writes()).toEqual(['PATCH /api/v1/namespaces/apps/secrets/attache-gw-xds']);
    expect(api.secrets.get('apps/attache-gw-xds')!.metadata.ownerReferences).toEqual([expect.objectContaining({ uid: 'uid-second' })]);
    // And after a restart, the listed Secret's owner is compared too.
    api.calls.length = 0;
    await run(issuer(api), wanted(gateway('apps', 'gw', 'attache', 'uid-second')));
    expect(api.writes()).toEqual([]);
    await run(issuer(api), wanted(gateway('apps', 'gw', 'attache', 'uid-third')));
    expect(api.writes()).toEqual(['PATCH /api/v1/namespaces/apps/secrets/attache-gw-xds']);
  });

  it('issues again when the CA changed', async () => {
    const api = new FakeSecrets();
    await run(issuer(api), wanted(gateway('apps', 'gw')));
    const otherTestCa = await makeCertificateAuthority('Another CA');
    const otherCa = await loadIssuerCa(otherTestCa.certPem, otherTestCa.keyPem, { cert: 'ca.crt', key: 'ca.key' });
    api.calls.length = 0;
    await run(issuer(api, otherCa), wanted(gateway('apps', 'gw')));
    expect(api.writes()).toEqual(['PATCH /api/v1/namespaces/apps/secrets/attache-gw-xds']);
    expect(api.pem('apps', 'attache-gw-xds', 'ca.crt')).toBe(otherCa.certPem);
  });

  it('leaves a Secret of that name it did not make alone, and warns once', async () => {
    const api = new FakeSecrets();
    api.secrets.set('apps/attache-gw-xds', { metadata: { name: 'attache-gw-xds', namespace: 'apps' }, data: { 'tls.crt': 'bXk=' } });
    const i = issuer(api);
    await run(i, wanted(gateway('apps', 'gw')));
    await run(i, wanted(gateway('apps', 'gw')));
    expect(api.writes()).toEqual(['POST /api/v1/namespaces/apps/secrets']);
    expect(api.secrets.get('apps/attache-gw-xds')!.data).toEqual({ 'tls.crt': 'bXk=' });
    expect(logs.filter((l) => l.includes('not made by attache'))).toHaveLength(1);
  });

  it('deletes the Secret of a Gateway that left our GatewayClasses, and retries a failed write on the next pass', async () => {
    const api = new FakeSecrets();
    const i = issuer(api);
    api.failNext = 1; // the list
    await run(i, wanted(gateway('apps', 'gw')));
    expect(api.secrets.size).toBe(0);
    api.failCreates = 1;
    await run(i, wanted(gateway('apps', 'gw')));
    expect(api.secrets.size).toBe(0);
    expect(i.counters()).toMatchObject({ failed: 1 });
    await run(i, wanted(gateway('apps', 'gw')));
    expect([...api.secrets.keys()]).toEqual(['apps/attache-gw-xds']);
    await run(i, wanted(gateway('apps', 'gw', 'someone-else')));
    expect(api.secrets.size).toBe(0);
    expect(i.counters()).toMatchObject({ issued: 1, deleted: 1 });
  });
});

describe('loadIssuerCa', () => {
  it("reads Helm genCA's RSA key (PKCS#1) and signs with it", async () => {
    // What Helm's genCA writes: RSA 2048, `BEGIN RSA PRIVATE KEY`, a self-signed CA certificate.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const x509 = await import('@peculiar/x509');
    const { webcrypto } = await import('crypto');
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const keys = {
      privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, true, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', createPublicKey(privateKey).export({ type: 'spki', format: 'der' }), alg, true, ['verify']),
    };
    const caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=attache xDS CA',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      signingAlgorithm: alg,
      keys: keys as never,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const rsaCa = await loadIssuerCa(caCert.toString('pem'), pkcs1, { cert: 'ca.crt', key: 'ca.key' });
    const api = new FakeSecrets();
    const i = new XdsClientIssuer({ client: api, log: pino({ level: 'silent' }), ca: rsaCa, trustDomain: 'cluster.local' });
    i.sync(wanted(gateway('apps', 'gw')));
    await i.idle();
    i.stop();
    const cert = new X509Certificate(api.pem('apps', 'attache-gw-xds', 'tls.crt'));
    expect(cert.verify(rsaCa.cert.publicKey)).toBe(true);
  });

  it('refuses a key that is not the CA certificate’s, and a certificate that is not a CA, naming the file', async () => {
    const a = await makeCertificateAuthority('A');
    const b = await makeCertificateAuthority('B');
    await expect(loadIssuerCa(a.certPem, b.keyPem, { cert: '/ca/tls.crt', key: '/ca/tls.key' })).rejects.toThrow(
      new IssuerCaError('/ca/tls.key: not the private key of /ca/tls.crt'),
    );
    const leaf = await issueCertificate(['x.test'], { ca: a });
    await expect(loadIssuerCa(leaf.certPem, leaf.keyPem, { cert: '/ca/tls.crt', key: '/ca/tls.key' })).rejects.toThrow(/\/ca\/tls.crt: not a CA certificate/);
    await expect(loadIssuerCa(a.certPem, 'garbage', { cert: '/ca/tls.crt', key: '/ca/tls.key' })).rejects.toThrow('/ca/tls.key: not a PEM private key');
  });
});

/** The point of it all: the control plane's mTLS xDS server serves an issued certificate its Gateway, and no other. */
describe('an issued certificate on the wire', () => {
  const SERVER_NAME = 'attache.attache-system.svc';
  let dir: string;
  let provider: XdsTlsFileProvider;
  const harnesses: AdsHarness[] = [];
  afterAll(() => {
    provider?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('is served its own Gateway and refused another (PERMISSION_DENIED)', async () => {
    const testCa = await makeCertificateAuthority('Attache xDS CA');
    const ca = await loadIssuerCa(testCa.certPem, testCa.keyPem, { cert: 'ca.crt', key: 'ca.key' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-issuer-'));
    const server = await issueCertificate([SERVER_NAME], { ca: testCa });
    const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key'), clientCaFile: path.join(dir, 'ca.crt') };
    fs.writeFileSync(files.certFile, server.certPem);
    fs.writeFileSync(files.keyFile, server.keyPem);
    fs.writeFileSync(files.clientCaFile, testCa.certPem);
    provider = new XdsTlsFileProvider(files, pino({ level: 'silent' }), 3_600_000);

    const api = new FakeSecrets();
    const i = new XdsClientIssuer({ client: api, log: pino({ level: 'silent' }), ca, trustDomain: 'cluster.local' });
    i.sync(wanted(gateway('team-a', 'gw')));
    await i.idle();
    i.stop();
    const pem = (key: string): Buffer => Buffer.from(api.pem('team-a', 'attache-gw-xds', key));
    const h = await startAdsHarness({
      serverCredentials: xdsServerCredentials(provider),
      // What the Envoy mounts: ca.crt verifies the server, tls.crt/tls.key are its identity.
      clientCredentials: grpc.credentials.createSsl(pem('ca.crt'), pem('tls.key'), pem('tls.crt')),
      clientOptions: { 'grpc.ssl_target_name_override': SERVER_NAME, 'grpc.default_authority': SERVER_NAME },
    });
    harnesses.push(h);
    h.publish(fakeGateway({ secret: { name: 'team-a-cert', certificate: 'A-CERT' } }), 'team-a/gw');
    h.publish(fakeGateway({ secret: { name: 'team-b-cert', certificate: 'B-CERT' } }), 'team-b/gw');

    const ask = (gw: string, secret: string): Promise<string[] | grpc.StatusObject> => {
      const s = h.sotw();
      s.send({ node: fakeNode(gw, 'envoy'), type_url: TypeUrl.Secret, resource_names: [secret] });
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
    };
    expect(await ask('team-a/gw', 'team-a-cert')).toEqual(['team-a-cert']);
    expect(await ask('team-b/gw', 'team-b-cert')).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });
});
