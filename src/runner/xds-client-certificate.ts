/**
 * Makes and reads the xDS client certificates the issuer (xds-client-issuer.ts) keeps for each
 * provisioned Gateway: a fresh ECDSA P-256 key per certificate, signed by the CA the control
 * plane is given (--xds-issuer-ca-cert/--xds-issuer-ca-key), naming exactly one Gateway with the
 * SPIFFE URI SAN xds/server/authorization.ts reads (spiffe://<trust domain>/ns/<ns>/gateway/<name>;
 * not the DNS form, whose length a 253-character Gateway name could push past what a DNS name
 * may be). Client authentication only (extendedKeyUsage clientAuth), not a CA.
 *
 * Why @peculiar/x509: Node's crypto reads certificates (X509Certificate) but cannot write one;
 * an openssl subprocess would need the binary in the image and the keys in temporary files;
 * node-forge has no ECDSA and is slow pure-JS RSA. @peculiar/x509 only encodes ASN.1: keys and
 * signatures come from Node's WebCrypto (OpenSSL inside Node).
 */
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs the Reflect metadata API.
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, X509Certificate, webcrypto } from 'crypto';
import { gatewaySpiffeId } from '../xds/server/authorization';

const crypto = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];

/** The signing CA: its certificate (PEM, also the ca.crt handed to the Envoys) and its key. */
export interface IssuerCa {
  certPem: string;
  cert: X509Certificate;
  signingKey: webcrypto.CryptoKey;
  signingAlgorithm: webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;
  name: x509.Name;
}

export class IssuerCaError extends Error {}

/** Reads a CA certificate and its private key (PEM: PKCS#8, PKCS#1 RSA as Helm's genCA writes, or SEC1 EC). Errors name the file. */
export async function loadIssuerCa(certPem: string, keyPem: string, files: { cert: string; key: string }): Promise<IssuerCa> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e) {
    throw new IssuerCaError(`${files.cert}: not a PEM certificate (${(e as Error).message})`);
  }
  if (!cert.ca) throw new IssuerCaError(`${files.cert}: not a CA certificate (basicConstraints CA:TRUE)`);
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    // Never the key's text or the parser's message about it.
    throw new IssuerCaError(`${files.key}: not a PEM private key`);
  }
  if (!cert.checkPrivateKey(key)) throw new IssuerCaError(`${files.key}: not the private key of ${files.cert}`);
  let signingAlgorithm: IssuerCa['signingAlgorithm'];
  let importAlgorithm: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;
  if (key.asymmetricKeyType === 'rsa') {
    importAlgorithm = signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!named) throw new IssuerCaError(`${files.key}: EC curve ${curve ?? '?'} (expected P-256 or P-384)`);
    importAlgorithm = { name: 'ECDSA', namedCurve: named };
    signingAlgorithm = { name: 'ECDSA', hash: named === 'P-256' ? 'SHA-256' : 'SHA-384' };
  } else {
    throw new IssuerCaError(`${files.key}: ${key.asymmetricKeyType ?? 'unknown'} key (expected RSA or EC)`);
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, importAlgorithm, false, ['sign']);
  return { certPem: cert.toString(), cert, signingKey, signingAlgorithm, name: new x509.X509Certificate(cert.raw).subjectName };
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/**
 * A certificate for the Envoys of `gateway` (`namespace/name`), valid from a minute before `now`
 * (clock skew) for `validityMs`, but never past the CA's own expiry.
 */
export async function issueXdsClientCertificate(ca: IssuerCa, gateway: string, trustDomain: string, now: Date, validityMs: number): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 60_000);
  const caEnd = new Date(ca.cert.validTo);
  const notAfter = new Date(Math.min(now.getTime() + validityMs, caEnd.getTime()));
  // 16 random bytes, the top bit cleared: a positive serial no two certificates share.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial.toString('hex'),
      // The CN is for people reading logs (at most 64 characters); the SAN is what authorizes.
      subject: [{ CN: [`envoy ${gateway}`.slice(0, 64)] }],
      issuer: ca.name,
      notBefore,
      notAfter,
      signingAlgorithm: ca.signingAlgorithm,
      publicKey: keys.publicKey,
      signingKey: ca.signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: gatewaySpiffeId(gateway, trustDomain) }], true),
        await x509.AuthorityKeyIdentifierExtension.create(new x509.X509Certificate(ca.cert.raw), false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), notAfter };
}

/** What the issuer needs to know of a certificate it finds in a Secret. */
export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** Signed by this CA (and the Secret's ca.crt is this CA's certificate). */
  fromCa: boolean;
  /** Names `gateway` and nothing else. */
  namesOnly: (gateway: string) => boolean;
}

/** Facts about a Secret's tls.crt/ca.crt (PEM), or undefined when they are not a certificate. */
export function certificateFacts(ca: IssuerCa, certPem: string, caPem: string, trustDomain: string): CertificateFacts | undefined {
  try {
    const cert = new X509Certificate(certPem);
    const caCert = new X509Certificate(caPem);
    const fromCa = caCert.fingerprint256 === ca.cert.fingerprint256 && cert.checkIssued(ca.cert) && cert.verify(ca.cert.publicKey);
    const san = cert.subjectAltName ?? '';
    return {
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      fromCa,
      namesOnly: (gateway) => san === `URI:${gatewaySpiffeId(gateway, trustDomain)}`,
    };
  } catch {
    return undefined;
  }
}
