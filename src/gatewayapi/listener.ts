/**
 * Gateway listeners: which are valid, which route kinds they take, where Envoy binds them,
 * which certificates HTTPS listeners serve, which listeners conflict, and their status
 * (ListenerStatus: supportedKinds, attachedRoutes, conditions).
 */
import { type Gateway, type GatewayListener, GATEWAY_GROUP } from '../apis/gateway-api';
import { type Condition } from '../apis/meta';
import { type SecretIR } from '../ir/types';
import { ConditionBuilder, ConditionType, type ReasonName, Reason, type TranslationIssue } from './conditions';
import { bindPort, type TranslateOptions } from './options';
import type { ListenerContext } from './contexts';
import { type ResourceIndex } from './resource-index';
import { type ListenerStatus } from './status';
import { resolveCertificateRefs } from './tls';

/**
 * Route kinds a listener of each protocol can take, in the order status lists them (HTTPRoute
 * first, as Envoy Gateway and Contour list it; ListenerStatus.supportedKinds has no order rule).
 */
const KINDS_BY_PROTOCOL: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
};

/** Core ProtocolType values are case-insensitive ("HTTP", "http" and "hTtP" are equal); prefixed ones are not. */
const CORE_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP']);

export function buildListenerContexts(gateway: Gateway, address: string, options: TranslateOptions, index: ResourceIndex): ListenerContext[] {
  const contexts = gateway.spec.listeners.map((listener): ListenerContext => {
    const issues: TranslationIssue[] = [];
    const upper = listener.protocol.toUpperCase();
    const protocol = CORE_PROTOCOLS.has(upper) ? upper : listener.protocol;
    const supported = KINDS_BY_PROTOCOL[protocol];
    if (!supported) {
      issues.push({
        type: ConditionType.Accepted,
        reason: Reason.UnsupportedProtocol,
        message: `protocol ${listener.protocol} is not supported (supported: ${Object.keys(KINDS_BY_PROTOCOL).join(', ')})`,
        field: 'protocol',
      });
    }
    const kinds = allowedKinds(listener, supported ?? [], issues);
    const certificates = protocol === 'HTTPS' ? terminateTls(gateway, listener, index, issues) : [];
    return { gateway, listener, address, port: bindPort(listener.port, options), protocol, kinds, certificates, issues };
  });
  markConflicts(contexts);
  return contexts;
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

/**
 * HTTPS terminates TLS (tls.mode defaults to Terminate). Passthrough is for TLSRoute
 * (TLSModePassthrough docs); CEL rejects it on HTTPS, but the apiserver may be older than the
 * CRDs, so it is also refused here: `Accepted=False, UnsupportedValue`.
 */
function terminateTls(gateway: Gateway, listener: GatewayListener, index: ResourceIndex, issues: TranslationIssue[]): SecretIR[] {
  const mode = listener.tls?.mode ?? 'Terminate';
  if (mode !== 'Terminate') {
    issues.push({
      type: ConditionType.Accepted,
      reason: Reason.UnsupportedValue,
      message: `tls.mode ${mode} is not supported on an HTTPS listener (only Terminate is)`,
      field: 'tls.mode',
    });
    return [];
  }
  const resolved = resolveCertificateRefs(gateway, listener, index);
  issues.push(...resolved.issues);
  return resolved.secrets;
}

/**
 * Listeners that are not distinct (GatewaySpec.Listeners, "Distinct Listeners"): on one port,
 * different protocols conflict (`ProtocolConflict`); the same protocol with the same hostname
 * conflicts (`HostnameConflict`; no hostname counts as one value). Every conflicted listener
 * is rejected, no winner is picked ("ALL indistinct Listeners must not be accepted").
 *
 * Ports are compared as Envoy binds them, so a listener on 80 and one on 10080 (80 shifted)
 * meet here rather than as two Envoy filter chains with the same match. Only listeners with a
 * supported protocol take part: the spec exempts implementations without TCP from the TCP rule.
 */
function markConflicts(contexts: readonly ListenerContext[]): void {
  const byPort = groupBy(
    contexts.filter((c) => KINDS_BY_PROTOCOL[c.protocol]),
    (c) => String(c.port),
  );
  for (const group of byPort.values()) {
    const protocols = new Set(group.map((c) => c.protocol));
    if (protocols.size > 1) {
      for (const c of group) {
        const others = group.filter((o) => o.protocol !== c.protocol).map((o) => `${o.listener.name} (${o.protocol})`);
        conflict(c, Reason.ProtocolConflict, `listener ${others.join(', ')} uses another protocol on ${portText(c)}`);
      }
      continue;
    }
    for (const same of groupBy(group, (c) => c.listener.hostname ?? '').values()) {
      if (same.length < 2) continue;
      for (const c of same) {
        const others = same.filter((o) => o !== c).map((o) => o.listener.name);
        const host = c.listener.hostname ? `hostname ${c.listener.hostname}` : 'no hostname';
        conflict(c, Reason.HostnameConflict, `listener ${others.join(', ')} also has ${host} on ${portText(c)}`);
      }
    }
  }
}

function portText(c: ListenerContext): string {
  return c.port === c.listener.port ? `port ${c.port}` : `port ${c.listener.port} (bound as ${c.port})`;
}

function conflict(c: ListenerContext, reason: ReasonName, message: string): void {
  c.issues.push({ type: ConditionType.Conflicted, reason, message }, { type: ConditionType.Accepted, reason, message });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export function isListenerAccepted(ctx: ListenerContext): boolean {
  return !ctx.issues.some((i) => i.type === ConditionType.Accepted);
}

/** Envoy serves it: accepted and, for HTTPS, at least one certificate resolved. */
export function isListenerProgrammed(ctx: ListenerContext): boolean {
  return isListenerAccepted(ctx) && (ctx.protocol !== 'HTTPS' || ctx.certificates.length > 0);
}

export function listenerStatus(ctx: ListenerContext, attachedRoutes: number, options: TranslateOptions): ListenerStatus {
  const c = new ConditionBuilder(ctx.gateway.metadata.generation, options.now);
  const first = (type: string): TranslationIssue | undefined => ctx.issues.find((i) => i.type === type);
  const accepted = first(ConditionType.Accepted);
  const refs = ctx.issues.filter((i) => i.type === ConditionType.ResolvedRefs);
  const conflicted = first(ConditionType.Conflicted);
  const conditions: Condition[] = [
    accepted
      ? c.make(ConditionType.Accepted, false, accepted.reason, accepted.message)
      : c.make(ConditionType.Accepted, true, Reason.Accepted, 'Listener is valid'),
    refs.length > 0
      ? c.make(ConditionType.ResolvedRefs, false, refs[0].reason, refs.map((i) => i.message).join('; '))
      : c.make(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references resolved'),
    conflicted
      ? c.make(ConditionType.Conflicted, true, conflicted.reason, conflicted.message)
      : c.make(ConditionType.Conflicted, false, Reason.NoConflicts, 'No conflicts'),
    programmedCondition(ctx, c),
  ];
  return {
    name: ctx.listener.name,
    supportedKinds: ctx.kinds.map((kind) => ({ group: GATEWAY_GROUP, kind })),
    attachedRoutes,
    conditions,
  };
}

function programmedCondition(ctx: ListenerContext, c: ConditionBuilder): Condition {
  if (!isListenerAccepted(ctx)) return c.make(ConditionType.Programmed, false, Reason.Invalid, 'Listener is not valid');
  if (!isListenerProgrammed(ctx)) {
    return c.make(ConditionType.Programmed, false, Reason.Invalid, 'No valid certificate: Envoy does not serve this listener');
  }
  return c.make(ConditionType.Programmed, true, Reason.Programmed, `Envoy listens on ${ctx.address}:${ctx.port}`);
}
