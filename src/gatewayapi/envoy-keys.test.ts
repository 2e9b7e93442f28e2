import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { unsupportedCertificateKey, unsupportedKey, unsupportedKeyEncoding } from './envoy-keys';

/** The reproducer Secrets, as embedded in the golden case that shows their listener status. */
function reproducer(name: string): { cert: string; key: string } {
  const file = path.join(__dirname, 'testdata/gateway-https-keys-envoy-refuses.in.yaml');
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string }; data: Record<string, string> },
  );
  const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === name);
  if (!secret) throw new Error(`no Secret ${name}`);
  const text = (k: string): string => Buffer.from(secret.data[k], 'base64').toString('utf8');
  return { cert: text('tls.crt'), key: text('tls.key') };
}

describe('keys Envoy loads', () => {
  it('accepts RSA 2048 with e=65537 and e=3, P-256/P-384/P-521 and Ed25519, in PKCS#8 and SEC1', () => {
    const keys = [
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).privateKey,
      ...['prime256v1', 'secp384r1', 'secp521r1'].map((namedCurve) => generateKeyPairSync('ec', { namedCurve }).privateKey),
      generateKeyPairSync('ed25519').privateKey,
    ];
    for (const key of keys) {
      expect(unsupportedKey(key)).toBeUndefined();
      expect(unsupportedKeyEncoding(key.export({ type: 'pkcs8', format: 'pem' }).toString())).toBeUndefined();
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect(unsupportedKeyEncoding(ec.export({ type: 'sec1', format: 'pem' }).toString())).toBeUndefined();
  });

  it('refuses small RSA keys, other curves and other key types', () => {
    expect(unsupportedKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)).toMatch(/at least 2048 bits/);
    expect(unsupportedKey(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)).toMatch(/EC curve secp256k1 is not supported/);
    expect(unsupportedKey(generateKeyPairSync('ed448').privateKey)).toMatch(/ed448 keys are not supported/);
  });

  it('refuses an RSA public exponent of 2^64+1, in the key and in the certificate', () => {
    const { cert, key } = reproducer('rsa-big-exponent');
    expect(unsupportedKey(createPrivateKey(key))).toMatch(/RSA public exponent 18446744073709551617 is not supported/);
    expect(unsupportedCertificateKey(new X509Certificate(cert))).toMatch(/^its public key: RSA public exponent/);
  });

  it('refuses explicit EC curve parameters that OpenSSL reports as prime256v1', () => {
    const { cert, key } = reproducer('ec-explicit');
    const parsed = createPrivateKey(key);
    // The reason the DER is read: node:crypto sees a named curve.
    expect(parsed.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(unsupportedKey(parsed)).toBeUndefined();
    expect(unsupportedKeyEncoding(key)).toMatch(/explicit EC curve parameters/);
    expect(unsupportedCertificateKey(new X509Certificate(cert))).toMatch(/explicit EC curve parameters/);
  });

  it('reads the key block after an EC PARAMETERS block (as `openssl ecparam -genkey` writes)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    expect(unsupportedKeyEncoding(params + ec)).toBeUndefined();
    expect(unsupportedKeyEncoding(params + reproducer('ec-explicit').key)).toMatch(/explicit/);
  });
});
