import { generateKeyPairSync } from 'crypto';
import { type Secret } from '../apis/core';
import { type Gateway, type GatewayListener, type ReferenceGrant } from '../apis/gateway-api';
import { emptyResources } from '../store/resources';
import { issueCertificate, makeCertificateAuthority, type TestCertificate } from '../../test/support/certificates';
import { ResourceIndex } from './resource-index';
import { checkKeyPair, readTlsSecret, resolveCertificateRefs } from './tls';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function fakeSecret(name: string, cert: TestCertificate, overrides: Partial<Secret> = {}): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'certs' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(cert.certPem), 'tls.key': b64(cert.keyPem) },
    ...overrides,
  };
}

function fakeGateway(listener: GatewayListener): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: { gatewayClassName: 'attache', listeners: [listener] },
  };
}

function fakeGrant(to: ReferenceGrant['spec']['to']): ReferenceGrant {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ReferenceGrant',
    metadata: { name: 'grant', namespace: 'certs' },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra' }], to },
  };
}

let ec: TestCertificate;
let other: TestCertificate;

beforeAll(async () => {
  ec = await issueCertificate(['a.example.com']);
  other = await issueCertificate(['b.example.com']);
});

describe('checkKeyPair', () => {
  it('accepts ECDSA P-256 and RSA 2048, and keeps only the PEM blocks of the chain', async () => {
    const rsa = await issueCertificate(['rsa.example.com'], { keyType: 'rsa-2048' });
    expect(checkKeyPair(rsa.certPem, rsa.keyPem).ok).toBe(true);
    const result = checkKeyPair(`leading text\n${ec.certPem}\ntrailing text`, ec.keyPem);
    expect(result).toEqual({ ok: true, value: { certificateChain: `${ec.certPem.trim()}\n`, privateKey: `${ec.keyPem.trim()}\n` } });
  });

  it('accepts a leaf followed by its CA, and checks the key against the leaf', async () => {
    const ca = await makeCertificateAuthority();
    const leaf = await issueCertificate(['leaf.example.com'], { ca });
    const result = checkKeyPair(`${leaf.certPem}${ca.certPem}`, leaf.keyPem);
    expect(result.ok && result.value.certificateChain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(checkKeyPair(`${ca.certPem}${leaf.certPem}`, leaf.keyPem)).toEqual({ ok: false, error: 'tls.key does not match the first certificate in tls.crt' });
  });

  it.each([
    ['a key of another certificate', () => checkKeyPair(ec.certPem, other.keyPem), 'tls.key does not match the first certificate in tls.crt'],
    ['no PEM certificate', () => checkKeyPair('Hello world\n', ec.keyPem), 'tls.crt holds no PEM certificate'],
    [
      'a PEM block that is not X.509',
      () => checkKeyPair('-----BEGIN CERTIFICATE-----\nSGVsbG8=\n-----END CERTIFICATE-----\n', ec.keyPem),
      'tls.crt: certificate 1 is not a valid X.509 certificate',
    ],
    [
      'a certificate where the key belongs',
      () => checkKeyPair(ec.certPem, ec.certPem),
      'tls.key holds no unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1)',
    ],
  ])('rejects %s', (_what, run, error) => {
    expect(run()).toEqual({ ok: false, error });
  });

  it('rejects keys Envoy cannot load: encrypted, RSA below 2048 bits, EC curves other than P-256/384/521', async () => {
    const encrypted = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
    }).privateKey;
    expect(checkKeyPair(ec.certPem, encrypted)).toMatchObject({ ok: false, error: expect.stringContaining('no unencrypted PEM private key') });
    const weak = await issueCertificate(['weak.example.com'], { keyType: 'rsa-1024' });
    expect(checkKeyPair(weak.certPem, weak.keyPem)).toEqual({ ok: false, error: 'tls.key: RSA keys must have at least 2048 bits (this one has 1024)' });
    const k1 = generateKeyPairSync('ec', {
      namedCurve: 'secp256k1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(checkKeyPair(ec.certPem, k1.privateKey)).toEqual({ ok: false, error: 'tls.key: EC curve secp256k1 is not supported (P-256, P-384, P-521 are)' });
  });
});

describe('readTlsSecret', () => {
  it('reads base64 data, and stringData over data as the apiserver merges it', () => {
    expect(readTlsSecret(fakeSecret('s', ec)).ok).toBe(true);
    const merged = fakeSecret('s', ec, { data: { 'tls.crt': 'SGVsbG8=', 'tls.key': b64(ec.keyPem) }, stringData: { 'tls.crt': ec.certPem } });
    expect(readTlsSecret(merged).ok).toBe(true);
  });

  it.each([
    ['type Opaque', { type: 'Opaque' }, 'type is "Opaque"; certificateRefs need type kubernetes.io/tls'],
    ['no type', { type: undefined }, 'type is not set (Kubernetes defaults it to Opaque); certificateRefs need type kubernetes.io/tls'],
    ['no tls.key', { data: { 'tls.crt': 'eA==' } }, 'data["tls.key"] is missing'],
    ['data that is not base64', { data: { 'tls.crt': '-----BEGIN', 'tls.key': 'eA==' } }, 'data["tls.crt"] is not valid base64'],
  ])('rejects %s', (_what, overrides, error) => {
    expect(readTlsSecret(fakeSecret('s', ec, overrides as Partial<Secret>))).toEqual({ ok: false, error });
  });
});

describe('resolveCertificateRefs', () => {
  const listener = (refs: GatewayListener['tls']): GatewayListener => ({ name: 'https', port: 443, protocol: 'HTTPS', tls: refs });
  const index = (grants: ReferenceGrant[] = []): ResourceIndex =>
    new ResourceIndex({ ...emptyResources(), secrets: [fakeSecret('cert', ec)], referenceGrants: grants });

  it('names the SDS secret <namespace>/<name> when a ReferenceGrant allows the cross-namespace reference', () => {
    const l = listener({ certificateRefs: [{ name: 'cert', namespace: 'certs' }] });
    const out = resolveCertificateRefs(fakeGateway(l), l, index([fakeGrant([{ group: '', kind: 'Secret', name: 'cert' }])]));
    expect(out.issues).toEqual([]);
    expect(out.secrets.map((s) => s.name)).toEqual(['certs/cert']);
  });

  it('says RefNotPermitted before looking at group, kind or existence', () => {
    const l = listener({
      certificateRefs: [
        { name: 'cert', namespace: 'certs', kind: 'WrongKind' },
        { name: 'nope', namespace: 'certs' },
      ],
    });
    const out = resolveCertificateRefs(fakeGateway(l), l, index());
    expect(out.secrets).toEqual([]);
    expect(out.issues.map((i) => [i.reason, i.field])).toEqual([
      ['RefNotPermitted', 'tls.certificateRefs[0]'],
      ['RefNotPermitted', 'tls.certificateRefs[1]'],
    ]);
  });

  it('says InvalidCertificateRef for a permitted reference to a wrong kind, and when there is no reference at all', () => {
    const wrongKind = listener({ certificateRefs: [{ name: 'cert', namespace: 'certs', kind: 'ConfigMap' }] });
    const grant = fakeGrant([{ group: '', kind: 'ConfigMap' }]);
    expect(resolveCertificateRefs(fakeGateway(wrongKind), wrongKind, index([grant])).issues[0]).toMatchObject({
      reason: 'InvalidCertificateRef',
      message: 'tls.certificateRefs[0]: ConfigMap is not supported; certificateRefs must name a core Secret',
    });
    const none = listener({ mode: 'Terminate' });
    expect(resolveCertificateRefs(fakeGateway(none), none, index()).issues[0]).toMatchObject({ reason: 'InvalidCertificateRef', field: 'tls.certificateRefs' });
  });
});
