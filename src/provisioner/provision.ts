/**
 * The provisioner stage (pure): Resources → the objects every Gateway of our GatewayClasses
 * should have (objects.ts), and the Gateways whose objects must be left as they are.
 *
 * A Gateway whose parameters do not resolve (gatewayapi/parameters.ts: a bad or missing
 * parametersRef, its own or its class's) is reported and kept: its existing objects are neither
 * changed nor deleted, so a typo in a reference never takes running proxies away. Its status
 * says why (Accepted=False, InvalidParameters). A Gateway without a uid (not from the API
 * server) cannot own anything and is skipped the same way.
 */
import { type GatewayParameters } from '../apis/parameters';
import { effectiveParameters } from '../gatewayapi/parameters';
import { type Resources } from '../store/resources';
import { gatewayObjects, type ProvisionedObject } from './objects';
import { type ProvisionOptions } from './options';
import { wantedXdsClientSecret, type WantedXdsClientSecret } from './xds-client-secret';

export interface ProvisionResult {
  /** Every object that should exist, across Gateways. */
  objects: ProvisionedObject[];
  /** Per provisioned Gateway, the Secret with its Envoys' xDS client certificate (declared, not filled: runner/xds-client-issuer.ts). */
  xdsClientSecrets: WantedXdsClientSecret[];
  /** `namespace/name` of Gateways whose existing objects are kept as they are, and why. */
  kept: Array<{ gateway: string; problem: string }>;
}

export function provision(resources: Resources, options: ProvisionOptions): ProvisionResult {
  const classes = new Map(resources.gatewayClasses.filter((c) => c.spec.controllerName === options.controllerName).map((c) => [c.metadata.name, c]));
  const params: readonly GatewayParameters[] = resources.gatewayParameters;
  const result: ProvisionResult = { objects: [], xdsClientSecrets: [], kept: [] };
  for (const gateway of resources.gateways) {
    const gc = classes.get(gateway.spec.gatewayClassName);
    if (!gc) continue;
    const key = `${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`;
    if (!gateway.metadata.uid) {
      result.kept.push({ gateway: key, problem: 'no metadata.uid to own objects by' });
      continue;
    }
    const spec = effectiveParameters(gateway, gc, params);
    if (!spec.ok) {
      result.kept.push({ gateway: key, problem: spec.problem });
      continue;
    }
    result.objects.push(...gatewayObjects(gateway, spec.spec, options));
    result.xdsClientSecrets.push(wantedXdsClientSecret(gateway));
  }
  return result;
}
