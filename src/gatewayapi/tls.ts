/**
 * Listener TLS termination (`tls.mode: Terminate`): each `tls.certificateRefs[]` entry must name
 * a `kubernetes.io/tls` Secret (core group, kind Secret) in the Gateway's namespace, or in another
 * namespace whose ReferenceGrant allows it, holding a certificate and the private key that
 * matches it, in a form Envoy loads (gateway_types.go ListenerTLSConfig.CertificateRefs).
 *
 * Failures are the listener's `ResolvedRefs=False`: `RefNotPermitted` when no grant allows the
 * reference (checked first: the spec reserves `InvalidCertificateRef` for allowed references),
 * otherwise `InvalidCertificateRef` for a wrong group or kind, a missing Secret, or bad data.
 *
 * Pure: Secrets come from the store through ResourceIndex; node:crypto only parses and compares
 * keys. Certificate expiry is not checked (no clock here, and Envoy serves expired certificates).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'crypto';
import { type Secret } from '../apis/core';
import { type Gateway, GATEWAY_GROUP, type GatewayListener, type SecretObjectReference } from '../apis/gateway-api';
import { type SecretIR } from '../ir/types';
import { ConditionType, Reason, type ReasonName, type TranslationIssue } from './conditions';
import { unsupportedCertificateKey, unsupportedKey, unsupportedKeyEncoding } from './envoy-keys';
import { secretName } from './naming';
import { isReferencePermitted } from './reference-grant';
import { type ResourceIndex } from './resource-index';

/** The Secret type with Core support for certificateRefs (keys `tls.crt` and `tls.key`). */
const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface ListenerCertificates {
  /** Every certificate that resolved, to serve over SDS; empty when none did. */
  secrets: SecretIR[];
  /** One per certificateRef that did not resolve. */
  issues: TranslationIssue[];
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function resolveCertificateRefs(gateway: Gateway, listener: GatewayListener, index: ResourceIndex): ListenerCertificates {
  const gatewayNs = gateway.metadata.namespace;
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) {
    // CEL allows `options` instead of certificateRefs; without a certificate there is nothing to serve.
    const issue = refIssue(Reason.InvalidCertificateRef, 'tls.certificateRefs', 'no certificateRefs: tls.mode Terminate needs a certificate');
    return { secrets: [], issues: [issue] };
  }
  const out: ListenerCertificates = { secrets: [], issues: [] };
  refs.forEach((ref, i) => {
    const resolved = resolveRef(ref, `tls.certificateRefs[${i}]`, gatewayNs, index);
    if ('secret' in resolved) out.secrets.push(resolved.secret);
    else out.issues.push(resolved.issue);
  });
  return out;
}

function resolveRef(ref: SecretObjectReference, field: string, gatewayNs: string, index: ResourceIndex): { secret: SecretIR } | { issue: TranslationIssue } {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Secret';
  const namespace = ref.namespace ?? gatewayNs;
  const permitted = isReferencePermitted(
    { from: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNs }, to: { group, kind, namespace, name: ref.name } },
    index.referenceGrants,
  );
  if (!permitted) {
    const message = `${field}: no ReferenceGrant in namespace ${namespace} allows Gateways in ${gatewayNs} to refer to ${kind} ${ref.name}`;
    return { issue: refIssue(Reason.RefNotPermitted, field, message) };
  }
  if (group !== '' || kind !== 'Secret') {
    const message = `${field}: ${group ? `${group}/` : ''}${kind} is not supported; certificateRefs must name a core Secret`;
    return { issue: refIssue(Reason.InvalidCertificateRef, field, message) };
  }
  const secret = index.secret(namespace, ref.name);
  if (!secret) return { issue: refIssue(Reason.InvalidCertificateRef, field, `${field}: Secret ${namespace}/${ref.name} not found`) };
  const pair = readTlsSecret(secret);
  if (!pair.ok) return { issue: refIssue(Reason.InvalidCertificateRef, field, `${field}: Secret ${namespace}/${ref.name}: ${pair.error}`) };
  return { secret: { name: secretName(namespace, ref.name), ...pair.value } };
}

function refIssue(reason: ReasonName, field: string, message: string): TranslationIssue {
  return { type: ConditionType.ResolvedRefs, reason, message, field };
}

/** The certificate chain and key of a `kubernetes.io/tls` Secret, checked as Envoy will load them. */
export function readTlsSecret(secret: Secret): Checked<Omit<SecretIR, 'name'>> {
  if (secret.type !== TLS_SECRET_TYPE) {
    const actual = secret.type === undefined ? 'not set (Kubernetes defaults it to Opaque)' : `"${secret.type}"`;
    return { ok: false, error: `type is ${actual}; certificateRefs need type ${TLS_SECRET_TYPE}` };
  }
  const cert = secretValue(secret, 'tls.crt');
  if (!cert.ok) return cert;
  const key = secretValue(secret, 'tls.key');
  if (!key.ok) return key;
  return checkKeyPair(cert.value, key.value);
}

/**
 * A key of the Secret as text. `stringData` wins over `data`, as when the apiserver merges it on
 * write (file mode keeps what the file says); `data` values are base64.
 */
function secretValue(secret: Secret, key: string): Checked<string> {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return { ok: true, value: plain };
  const encoded = secret.data?.[key];
  if (encoded === undefined || encoded === '') return { ok: false, error: `data["${key}"] is missing` };
  const compact = encoded.replace(/\s+/g, '');
  // Buffer.from ignores characters outside the alphabet; the apiserver would reject them.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    return { ok: false, error: `data["${key}"] is not valid base64` };
  }
  return { ok: true, value: Buffer.from(compact, 'base64').toString('utf8') };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * `tls.crt` must hold PEM certificates (leaf first, then intermediates) and `tls.key` the
 * unencrypted PEM key of the leaf. The chain is returned as its certificates only, so text
 * around the PEM blocks never reaches Envoy.
 */
export function checkKeyPair(certPem: string, keyPem: string): Checked<Omit<SecretIR, 'name'>> {
  const blocks = certPem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return { ok: false, error: 'tls.crt holds no PEM certificate' };
  const certificates: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      return { ok: false, error: `tls.crt: certificate ${i + 1} is not a valid X.509 certificate` };
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch {
    return { ok: false, error: 'tls.key holds no unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1)' };
  }
  const unsupported = unsupportedKey(key) ?? unsupportedKeyEncoding(keyPem);
  if (unsupported) return { ok: false, error: `tls.key: ${unsupported}` };
  const leafKey = unsupportedCertificateKey(certificates[0]);
  if (leafKey) return { ok: false, error: `tls.crt: certificate 1: ${leafKey}` };
  if (!certificates[0].checkPrivateKey(key)) {
    return { ok: false, error: 'tls.key does not match the first certificate in tls.crt' };
  }
  return { ok: true, value: { certificateChain: `${blocks.join('\n')}\n`, privateKey: `${keyPem.trim()}\n` } };
}
