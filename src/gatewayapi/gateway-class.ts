/** GatewayClass selection: only classes naming our controller are ours (GatewayClass.spec.controllerName). */
import { type GatewayClass } from '../apis/gateway-api';
import { ConditionBuilder, ConditionType, Reason } from './conditions';
import { type TranslateOptions } from './options';
import { type GatewayClassStatusEntry } from './status';
import { supportedFeatures } from './supported-features';

export function ownedGatewayClasses(classes: readonly GatewayClass[], options: TranslateOptions): GatewayClass[] {
  return classes.filter((c) => c.spec.controllerName === options.controllerName);
}

export function gatewayClassStatus(gc: GatewayClass, options: TranslateOptions, bundleVersion?: string): GatewayClassStatusEntry {
  const c = new ConditionBuilder(gc.metadata.generation, options.now);
  const conditions = [c.make(ConditionType.Accepted, true, Reason.Accepted, `Handled by ${options.controllerName}`)];
  if (bundleVersion) {
    conditions.push(c.make(ConditionType.SupportedVersion, true, Reason.SupportedVersion, `Gateway API ${bundleVersion} is supported`));
  }
  return { kind: 'GatewayClass', name: gc.metadata.name, generation: gc.metadata.generation, status: { conditions, supportedFeatures: supportedFeatures() } };
}
