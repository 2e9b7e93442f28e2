/**
 * Test certificates, made with @peculiar/x509 on Node's WebCrypto: a CA, leaf certificates it
 * signs for given DNS names, and the `kubernetes.io/tls` Secret that carries one. Keys are
 * ECDSA P-256 by default (small PEMs, fast to make); RSA is there for the key-type checks.
 * Test-only: production code never imports this file.
 */
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs the Reflect metadata API.
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'crypto';
import { gatewayDnsName, gatewaySpiffeId } from '../../src/xds/server/authorization';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TestCertificate {
  /** PEM of the certificate (one block). */
  certPem: string;
  /** PEM of the private key (PKCS#8, `-----BEGIN PRIVATE KEY-----`). */
  keyPem: string;
}

export interface TestCertificateAuthority extends TestCertificate {
  name: string;
  keys: webcrypto.CryptoKeyPair;
}

export type TestKeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-1024';

const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2099-01-01T00:00:00Z') };

function algorithm(type: TestKeyType): (webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams) & { hash: string } {
  switch (type) {
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
    case 'rsa-2048':
    case 'rsa-1024':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: type === 'rsa-2048' ? 2048 : 1024,
      };
  }
}

async function generateKeys(type: TestKeyType): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm(type), true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

let serialCounter = 0;
function nextSerial(): string {
  serialCounter += 1;
  // A positive, unique-enough serial: time plus a counter, as hex.
  return `${Date.now().toString(16)}${serialCounter.toString(16).padStart(4, '0')}`;
}

/** A self-signed CA that can sign leaf certificates (basicConstraints CA:true, keyCertSign). */
export async function makeCertificateAuthority(name = 'Attache Test CA'): Promise<TestCertificateAuthority> {
  const keys = await generateKeys('ec-p256');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}`,
    ...VALIDITY,
    signingAlgorithm: algorithm('ec-p256'),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { name, keys, certPem: cert.toString('pem'), keyPem: await keyPem(keys) };
}

/**
 * A certificate for `dnsNames` and `uris` (the first DNS name is also the CN unless `commonName`
 * is given), signed by `ca`, or self-signed when no CA is given. A server certificate by default;
 * `usage: 'client'` makes one a TLS client (an Envoy connecting with mTLS) presents.
 */
export async function issueCertificate(
  dnsNames: readonly string[],
  opts: { ca?: TestCertificateAuthority; keyType?: TestKeyType; usage?: 'server' | 'client'; uris?: readonly string[]; commonName?: string } = {},
): Promise<TestCertificate> {
  const keyType = opts.keyType ?? 'ec-p256';
  const keys = await generateKeys(keyType);
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([opts.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...(opts.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ]),
  ];
  const subject = `CN=${opts.commonName ?? dnsNames[0] ?? 'attache-test'}`;
  const cert = opts.ca
    ? await x509.X509CertificateGenerator.create({
        serialNumber: nextSerial(),
        subject,
        issuer: `CN=${opts.ca.name}`,
        ...VALIDITY,
        signingAlgorithm: algorithm('ec-p256'),
        publicKey: keys.publicKey,
        signingKey: opts.ca.keys.privateKey,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: nextSerial(),
        name: subject,
        ...VALIDITY,
        signingAlgorithm: algorithm(keyType),
        keys,
        extensions,
      });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys) };
}

/**
 * A client certificate for the proxies of `gateways` (`namespace/name` each), signed by `ca`: one
 * SAN per Gateway, the SPIFFE URI form by default or the DNS form (what the Helm chart issues),
 * as xds/server/authorization.ts reads them. `commonName` names the certificate in logs.
 */
export async function issueGatewayClientCertificate(
  ca: TestCertificateAuthority,
  gateways: readonly string[],
  opts: { form?: 'uri' | 'dns'; trustDomain?: string; commonName?: string } = {},
): Promise<TestCertificate> {
  const form = opts.form ?? 'uri';
  const dnsNames = form === 'dns' ? gateways.map((g) => gatewayDnsName(g, opts.trustDomain)) : [];
  const uris = form === 'uri' ? gateways.map((g) => gatewaySpiffeId(g, opts.trustDomain)) : [];
  return issueCertificate(dnsNames, { ca, usage: 'client', uris, commonName: opts.commonName ?? 'envoy' });
}

/** A `kubernetes.io/tls` Secret holding `cert`, as a plain object ready for YAML. */
export function tlsSecret(namespace: string, name: string, cert: TestCertificate): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(cert.certPem).toString('base64'),
      'tls.key': Buffer.from(cert.keyPem).toString('base64'),
    },
  };
}
