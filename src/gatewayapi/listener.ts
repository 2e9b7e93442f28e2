/**
 * Gateway listeners: which are valid, which route kinds they take, where Envoy binds them,
 * and their status (ListenerStatus: supportedKinds, attachedRoutes, conditions).
 */
import { Gateway, GatewayListener, GATEWAY_GROUP } from '../apis/gateway-api';
import { Condition } from '../apis/meta';
import { ConditionBuilder, ConditionType, Reason, TranslationIssue } from './conditions';
import { bindPort, TranslateOptions } from './options';
import { ListenerStatus } from './status';

/** Route kinds a listener of each protocol can take, in the order status lists them. */
const KINDS_BY_PROTOCOL: Record<string, readonly string[]> = {
  HTTP: ['GRPCRoute'],
};

export interface ListenerContext {
  gateway: Gateway;
  listener: GatewayListener;
  address: string;
  port: number;
  /** Route kinds this listener accepts (intersection of what the protocol supports and allowedRoutes.kinds). */
  kinds: string[];
  /** Problems that make the listener not Accepted. */
  issues: TranslationIssue[];
}

export function buildListenerContexts(gateway: Gateway, address: string, options: TranslateOptions): ListenerContext[] {
  return gateway.spec.listeners.map((listener) => {
    const issues: TranslationIssue[] = [];
    const supported = KINDS_BY_PROTOCOL[listener.protocol];
    if (!supported) {
      issues.push({
        type: ConditionType.Accepted,
        reason: Reason.UnsupportedProtocol,
        message: `protocol ${listener.protocol} is not supported (supported: ${Object.keys(KINDS_BY_PROTOCOL).join(', ')})`,
        field: 'protocol',
      });
    }
    const kinds = allowedKinds(listener, supported ?? [], issues);
    return { gateway, listener, address, port: bindPort(listener.port, options), kinds, issues };
  });
}

function allowedKinds(listener: GatewayListener, supported: readonly string[], issues: TranslationIssue[]): string[] {
  const requested = listener.allowedRoutes?.kinds;
  if (!requested || requested.length === 0) return [...supported];
  const kinds: string[] = [];
  for (const k of requested) {
    if ((k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && supported.includes(k.kind)) kinds.push(k.kind);
    else {
      issues.push({
        type: ConditionType.ResolvedRefs,
        reason: Reason.InvalidRouteKinds,
        message: `route kind ${k.group ?? GATEWAY_GROUP}/${k.kind} is not supported on this listener`,
        field: 'allowedRoutes.kinds',
      });
    }
  }
  return kinds;
}

export function isListenerAccepted(ctx: ListenerContext): boolean {
  return !ctx.issues.some((i) => i.type === ConditionType.Accepted);
}

export function listenerStatus(ctx: ListenerContext, attachedRoutes: number, options: TranslateOptions): ListenerStatus {
  const c = new ConditionBuilder(ctx.gateway.metadata.generation, options.now);
  const accepted = ctx.issues.find((i) => i.type === ConditionType.Accepted);
  const refs = ctx.issues.find((i) => i.type === ConditionType.ResolvedRefs);
  const conditions: Condition[] = [
    accepted
      ? c.make(ConditionType.Accepted, false, accepted.reason, accepted.message)
      : c.make(ConditionType.Accepted, true, Reason.Accepted, 'Listener is valid'),
    refs
      ? c.make(ConditionType.ResolvedRefs, false, refs.reason, refs.message)
      : c.make(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references resolved'),
    c.make(ConditionType.Conflicted, false, Reason.NoConflicts, 'No conflicts'),
    accepted
      ? c.make(ConditionType.Programmed, false, Reason.Invalid, 'Listener is not valid')
      : c.make(ConditionType.Programmed, true, Reason.Programmed, `Envoy listens on ${ctx.address}:${ctx.port}`),
  ];
  return {
    name: ctx.listener.name,
    supportedKinds: ctx.kinds.map((kind) => ({ group: GATEWAY_GROUP, kind })),
    attachedRoutes,
    conditions,
  };
}
