/** GatewayClass selection: only classes naming our controller are ours (GatewayClass.spec.controllerName). */
import { type GatewayClass } from '../apis/gateway-api';
import { type GatewayParameters } from '../apis/parameters';
import { ConditionBuilder, ConditionType, Reason } from './conditions';
import { type TranslateOptions } from './options';
import { gatewayClassParameters } from './parameters';
import { type GatewayClassStatusEntry } from './status';
import { supportedFeatures } from './supported-features';

export function ownedGatewayClasses(classes: readonly GatewayClass[], options: TranslateOptions): GatewayClass[] {
  return classes.filter((c) => c.spec.controllerName === options.controllerName);
}

/**
 * Accepted, unless spec.parametersRef does not resolve to one of our GatewayParameters
 * (Accepted=False, InvalidParameters, as GatewayClassSpec.parametersRef asks).
 */
export function gatewayClassStatus(
  gc: GatewayClass,
  options: TranslateOptions,
  bundleVersion?: string,
  parameters: readonly GatewayParameters[] = [],
): GatewayClassStatusEntry {
  const c = new ConditionBuilder(gc.metadata.generation, options.now);
  const resolved = gatewayClassParameters(gc, parameters);
  const conditions = [
    resolved.ok
      ? c.make(ConditionType.Accepted, true, Reason.Accepted, `Handled by ${options.controllerName}`)
      : c.make(ConditionType.Accepted, false, Reason.InvalidParameters, resolved.problem),
  ];
  if (bundleVersion) {
    conditions.push(c.make(ConditionType.SupportedVersion, true, Reason.SupportedVersion, `Gateway API ${bundleVersion} is supported`));
  }
  return {
    kind: 'GatewayClass',
    name: gc.metadata.name,
    generation: gc.metadata.generation,
    status: { conditions, supportedFeatures: supportedFeatures(options.provisioned === true) },
  };
}
