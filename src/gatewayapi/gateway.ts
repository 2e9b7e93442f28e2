/**
 * Gateways of our GatewayClasses: where their proxies bind (spec.addresses), their listeners,
 * and the Gateway-level status (Accepted, Programmed, addresses).
 */
import { Gateway, GatewayClass } from '../apis/gateway-api';
import { allocateAddresses } from './addresses';
import { ConditionBuilder, ConditionType, Reason } from './conditions';
import { buildListenerContexts, isListenerAccepted, ListenerContext, listenerStatus } from './listener';
import { gatewayKey } from './naming';
import { TranslateOptions } from './options';
import { GatewayStatusEntry } from './status';

export interface GatewayContext {
  gateway: Gateway;
  key: string;
  address: string;
  /** Why the requested address cannot be used, if so. */
  addressProblem?: string;
  listeners: ListenerContext[];
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

export function buildGatewayContexts(
  gateways: readonly Gateway[],
  ownClasses: readonly GatewayClass[],
  options: TranslateOptions,
): GatewayContext[] {
  const classNames = new Set(ownClasses.map((c) => c.metadata.name));
  const ours = gateways.filter((g) => classNames.has(g.spec.gatewayClassName));
  const pooled = options.addressPool ? allocateAddresses(ours, options.addressPool) : new Map<string, string>();
  return ours
    .map((gateway) => {
      const { address, problem } = bindAddress(gateway, pooled, options);
      return {
        gateway,
        key: gatewayKey(gateway.metadata.namespace ?? 'default', gateway.metadata.name),
        address,
        addressProblem: problem,
        listeners: buildListenerContexts(gateway, address, options),
      };
    });
}

/** The first `IPAddress` in spec.addresses is where Envoy binds; other address types are not supported. */
function bindAddress(gateway: Gateway, pooled: ReadonlyMap<string, string>, options: TranslateOptions): { address: string; problem?: string } {
  const requested = gateway.spec.addresses ?? [];
  const key = gatewayKey(gateway.metadata.namespace ?? 'default', gateway.metadata.name);
  if (requested.length === 0) return { address: pooled.get(key) ?? options.defaultAddress };
  const first = requested[0];
  if ((first.type ?? 'IPAddress') !== 'IPAddress' || !first.value || !IPV4.test(first.value)) {
    return { address: options.defaultAddress, problem: `spec.addresses[0]: only IPv4 IPAddress values are supported` };
  }
  return { address: first.value };
}

export function gatewayStatus(ctx: GatewayContext, attached: ReadonlyMap<ListenerContext, number>, options: TranslateOptions): GatewayStatusEntry {
  const c = new ConditionBuilder(ctx.gateway.metadata.generation, options.now);
  const listeners = ctx.listeners.map((l) => listenerStatus(l, attached.get(l) ?? 0, options));
  const anyValid = ctx.listeners.some(isListenerAccepted);
  const allValid = ctx.listeners.every(isListenerAccepted);
  const conditions = [
    ctx.addressProblem
      ? c.make(ConditionType.Accepted, false, Reason.UnsupportedAddress, ctx.addressProblem)
      : allValid
        ? c.make(ConditionType.Accepted, true, Reason.Accepted, 'Gateway is accepted')
        : c.make(ConditionType.Accepted, anyValid, Reason.ListenersNotValid, 'Some listeners are not valid'),
    anyValid && !ctx.addressProblem
      ? c.make(ConditionType.Programmed, true, Reason.Programmed, `Configuration is served to proxies with node.cluster "${ctx.key}"`)
      : c.make(ConditionType.Programmed, false, Reason.Invalid, 'No valid listener to program'),
  ];
  return {
    kind: 'Gateway',
    namespace: ctx.gateway.metadata.namespace,
    name: ctx.gateway.metadata.name,
    generation: ctx.gateway.metadata.generation,
    status: { addresses: [{ type: 'IPAddress', value: ctx.address }], conditions, listeners },
  };
}
