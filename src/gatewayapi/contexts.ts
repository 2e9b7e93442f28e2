/**
 * The contexts translation hands from step to step: a Gateway and its listeners as resolved
 * (gateway.ts, listener.ts), a route's attachment to its parents (parent-refs.ts), its rules'
 * outcome (route-status.ts) and its candidate Envoy routes (route-candidates.ts), placed on
 * virtual hosts (virtual-hosts.ts). They live here, apart from the code that builds them, so
 * the steps import each other's types without importing each other (no import cycle).
 */
import type { Gateway, GatewayListener, ParentReference } from '../apis/gateway-api';
import type { FilterChainIR, RouteIR, SecretIR } from '../ir/types';
import type { GatewayStatusAddress } from './addresses';
import type { TranslationIssue } from './conditions';
import type { MatchPrecedence, RouteSource } from './precedence';

export interface ListenerContext {
  gateway: Gateway;
  listener: GatewayListener;
  address: string;
  /** The port Envoy binds (the Gateway port, shifted when privileged). */
  port: number;
  /** `listener.protocol`, upper-cased when it is a core protocol. */
  protocol: string;
  /** Route kinds this listener accepts (intersection of what the protocol supports and allowedRoutes.kinds). */
  kinds: string[];
  /** HTTPS: the certificates that resolved, served over SDS. Empty for HTTP. */
  certificates: SecretIR[];
  /** Problems, each setting one condition (Accepted, ResolvedRefs, Conflicted). */
  issues: TranslationIssue[];
}

/** Which gRPC filters a filter chain carries. */
export type GrpcFilters = FilterChainIR['grpc'];

export interface GatewayContext {
  gateway: Gateway;
  key: string;
  address: string;
  /** Why the requested address is not supported, if so (Accepted=False, UnsupportedAddress). */
  addressProblem?: string;
  /** Why a supported address cannot be bound, if so (Programmed=False, AddressNotUsable; no listener is served). */
  addressNotUsable?: string;
  /** Provisioned mode: the addresses of the Gateway's generated Service, what status.addresses lists. */
  statusAddresses?: GatewayStatusAddress[];
  /** Provisioned mode: why there is no address yet (Programmed=False, AddressNotAssigned; listeners are still served). */
  addressNotAssigned?: string;
  /** Why spec.infrastructure.parametersRef does not resolve (parameters.ts): Accepted=False, InvalidParameters. */
  parametersProblem?: string;
  listeners: ListenerContext[];
  /** Which gRPC filters this Gateway allows on chains that carry GRPCRoutes (its annotations). */
  grpcFilters: GrpcFilters;
}

export interface ListenerAttachment {
  listener: ListenerContext;
  /** Effective hostnames on this listener (`*` = any). */
  hostnames: string[];
}

export interface ParentAttachment {
  /** The parentRef with group, kind and namespace defaulted, as status reports it. */
  parentRef: ParentReference;
  gateway: GatewayContext;
  listeners: ListenerAttachment[];
  /** Set when the route is not accepted by this parent. */
  issue?: TranslationIssue;
}

export interface DroppedRule {
  index: number;
  /** `rules[].name`, when the rule has one. */
  name?: string;
  /** Why it was dropped (reason UnsupportedValue). */
  issues: TranslationIssue[];
}

/** How many rules a route has and which were dropped; the same for every parent. */
export interface RuleOutcome {
  total: number;
  dropped: DroppedRule[];
}

export interface RouteCandidate {
  source: RouteSource;
  ruleIndex: number;
  matchIndex: number;
  /** The Envoy route, complete: match, action, header modifiers, mirrors. */
  route: RouteIR;
  precedence: MatchPrecedence;
}

/** A route candidate on one of its effective hostnames. */
export interface HostedCandidate {
  hostname: string;
  candidate: RouteCandidate;
}
