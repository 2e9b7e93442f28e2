/**
 * Which keys Envoy loads. Envoy (BoringSSL) refuses some keys that OpenSSL, hence node:crypto,
 * reads happily; one such Secret would make Envoy reject the whole listener update, so they are
 * found here and reported on the listener instead. Checked against Envoy 1.40 with
 * `envoy --mode validate` (e2e/envoy-accepts.e2e.ts keeps checking):
 *  - RSA: modulus of 2048 bits or more (Envoy: "only RSA certificates with 2048-bit or larger
 *    keys are supported") and at most 16384 (BoringSSL's limit); public exponent odd, above 1 and
 *    at most 33 bits (BoringSSL's kMaxExponentBits), so not e.g. 2^64+1;
 *  - EC: P-256, P-384 or P-521, named by OID: explicit curve parameters are refused even when
 *    they spell P-256 (OpenSSL reports those as `prime256v1`, so the DER is read);
 *  - Ed25519; nothing else.
 * The same rules apply to the private key and to the leaf certificate's public key.
 */
import { type KeyObject, type X509Certificate } from 'crypto';
import { childrenOf, pemBlocks, readTlv, Tag, type Tlv } from './der';

const ENVOY_EC_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 16384;
const RSA_MAX_EXPONENT_BITS = 33;
/** id-ecPublicKey (1.2.840.10045.2.1), the algorithm of EC keys in PKCS#8 and X.509. */
const EC_PUBLIC_KEY_OID = Buffer.from('2a8648ce3d0201', 'hex');

/** Why Envoy would refuse this key (its type, size, exponent or curve), or undefined. */
export function unsupportedKey(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < RSA_MIN_BITS) return `RSA keys must have at least ${RSA_MIN_BITS} bits (this one has ${bits})`;
      if (bits > RSA_MAX_BITS) return `RSA keys must have at most ${RSA_MAX_BITS} bits (this one has ${bits})`;
      const e = details.publicExponent ?? 0n;
      if (e < 3n || e % 2n === 0n || e.toString(2).length > RSA_MAX_EXPONENT_BITS) {
        return `RSA public exponent ${e} is not supported (it must be odd, above 1 and below 2^${RSA_MAX_EXPONENT_BITS}; 65537 is usual)`;
      }
      return undefined;
    }
    case 'ec':
      return ENVOY_EC_CURVES.has(details.namedCurve ?? '') ? undefined : `EC curve ${details.namedCurve} is not supported (P-256, P-384, P-521 are)`;
    case 'ed25519':
      return undefined;
    default:
      return `${key.asymmetricKeyType ?? 'unknown'} keys are not supported (RSA, ECDSA and Ed25519 are)`;
  }
}

const EXPLICIT = 'has explicit EC curve parameters; Envoy only loads named curves (re-encode it, e.g. `openssl ec -param_enc named_curve`)';

/** Why Envoy would refuse the encoding of a PEM private key, or undefined. */
export function unsupportedKeyEncoding(keyPem: string): string | undefined {
  const block = pemBlocks(keyPem).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (!block) return undefined;
  try {
    if (block.label === 'EC PRIVATE KEY') return sec1HasExplicitParams(block.der, readTlv(block.der, 0)) ? EXPLICIT : undefined;
    if (block.label === 'PRIVATE KEY') return pkcs8HasExplicitParams(block.der) ? EXPLICIT : undefined;
  } catch {
    return 'is not valid DER';
  }
  return undefined;
}

/** Why Envoy would refuse the certificate's public key (as for keys, plus its encoding), or undefined. */
export function unsupportedCertificateKey(cert: X509Certificate): string | undefined {
  const raw = cert.raw;
  try {
    // Certificate ::= SEQUENCE { tbsCertificate, ... }; TBSCertificate ::= SEQUENCE { [0] version
    // OPTIONAL, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ... }
    const tbs = childrenOf(raw, readTlv(raw, 0))[0];
    const fields = childrenOf(raw, tbs);
    const spki = fields[fields[0]?.tag === Tag.Context0 ? 6 : 5];
    if (spki && algorithmHasExplicitParams(raw, childrenOf(raw, spki)[0])) return `its public key ${EXPLICIT}`;
  } catch {
    return 'is not valid DER';
  }
  const key = unsupportedKey(cert.publicKey);
  return key ? `its public key: ${key}` : undefined;
}

/** ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function sec1HasExplicitParams(der: Buffer, seq: Tlv): boolean {
  const params = childrenOf(der, seq).find((t) => t.tag === Tag.Context0);
  if (!params) return false;
  const inner = readTlv(der, params.start, params.end);
  return inner.tag !== Tag.Oid;
}

/** PrivateKeyInfo ::= SEQUENCE { version, algorithm AlgorithmIdentifier, privateKey OCTET STRING, ... } */
function pkcs8HasExplicitParams(der: Buffer): boolean {
  const [, algorithm, privateKey] = childrenOf(der, readTlv(der, 0));
  if (!algorithm || !isEcAlgorithm(der, algorithm)) return false;
  if (algorithmHasExplicitParams(der, algorithm)) return true;
  if (!privateKey) return false;
  // The SEC1 key inside may repeat the parameters; BoringSSL reads them too.
  const inner = der.subarray(privateKey.start, privateKey.end);
  return sec1HasExplicitParams(inner, readTlv(inner, 0));
}

function isEcAlgorithm(der: Buffer, algorithm: Tlv): boolean {
  const [oid] = childrenOf(der, algorithm);
  return oid?.tag === Tag.Oid && der.subarray(oid.start, oid.end).equals(EC_PUBLIC_KEY_OID);
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters }: for EC, a curve OID or explicit parameters. */
function algorithmHasExplicitParams(der: Buffer, algorithm: Tlv | undefined): boolean {
  if (!algorithm || !isEcAlgorithm(der, algorithm)) return false;
  const params = childrenOf(der, algorithm)[1];
  return params !== undefined && params.tag !== Tag.Oid;
}
