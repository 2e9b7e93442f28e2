/**
 * The Secrets the upstream suite creates in Go at set-up (conformance/utils/suite/suite.go), not
 * in YAML: self-signed certificates for the HTTPS Gateways of the base manifests and the
 * Secret-ReferenceGrant tests.
 */
import { issueCertificate, tlsSecret } from '../../test/support/certificates';
import { type Doc, INFRA_NS } from './manifests';

export async function suiteSecrets(): Promise<Doc[]> {
  const validity = await issueCertificate(['*', '*.org', '*.wildcard.org']);
  const webBackend = await issueCertificate(['*']);
  return [tlsSecret(INFRA_NS, 'tls-validity-checks-certificate', validity), tlsSecret('gateway-conformance-web-backend', 'certificate', webBackend)] as Doc[];
}
