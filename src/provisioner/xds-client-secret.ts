/**
 * The Secret each provisioned Gateway's Envoys mount for their xDS client certificate, as the
 * provisioner wants it: where it lives, who owns it, and the one identity it must name. No key
 * material: the stage is pure, and certificates are made at the edge (runner/xds-client-issuer.ts)
 * from a CA key only the control plane holds.
 */
import { type Gateway } from '../apis/gateway-api';
import { xdsClientSecretName } from './names';
import { metadata, type ProvisionedObject } from './objects';

/** The label that marks Secrets the issuer made (what it lists at start; nothing else is touched). */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const XDS_CLIENT_CERTIFICATE = 'xds-client-certificate';

export interface WantedXdsClientSecret {
  /** `namespace/name` of the Gateway: the only Gateway the certificate may name. */
  gateway: string;
  /** The Secret's envelope: name xdsClientSecretName(gateway), the Gateway's namespace, our labels, the Gateway as controlling owner. */
  metadata: ProvisionedObject['metadata'] & Record<string, unknown>;
}

export function wantedXdsClientSecret(gateway: Gateway): WantedXdsClientSecret {
  const m = metadata(gateway);
  const labels = { ...(m.labels as Record<string, string>), [COMPONENT_LABEL]: XDS_CLIENT_CERTIFICATE };
  return { gateway: `${m.namespace}/${gateway.metadata.name}`, metadata: { ...m, name: xdsClientSecretName(gateway.metadata.name), labels } };
}
