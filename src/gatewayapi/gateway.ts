/**
 * Gateways of our GatewayClasses: where their proxies bind (spec.addresses), their listeners,
 * the Gateway-level status (Accepted, Programmed, addresses), and each Gateway's IR (its Envoy
 * listeners, filter chains and certificates).
 */
import { type Gateway, type GatewayClass } from '../apis/gateway-api';
import { type ClusterIR, type FilterChainIR, type GatewayIR, type HTTPListener, type SecretIR } from '../ir/types';
import { allocateAddresses, type GatewayStatusAddress, inPool, serviceAddresses, wantsAssignedAddress } from './addresses';
import { ConditionBuilder, ConditionType, Reason } from './conditions';
import type { GatewayContext, GrpcFilters, HostedCandidate, ListenerContext } from './contexts';
import { buildListenerContexts, isListenerAccepted, isListenerProgrammed, listenerStatus } from './listener';
import { filterChainName, gatewayKey, listenerName, routeConfigName, tlsRouteConfigName } from './naming';
import { PROVISIONED_BIND_ADDRESS, type TranslateOptions } from './options';
import { gatewayParametersProblem } from './parameters';
import { type ResourceIndex } from './resource-index';
import { type GatewayStatusEntry } from './status';
import { ANY_HOST } from './hostnames';
import { buildVirtualHosts } from './virtual-hosts';

/** Gateway annotations that turn the gRPC filters off: only the value "false" does. */
const GRPC_WEB_ANNOTATION = 'attache.dev/grpc-web';
const GRPC_STATS_ANNOTATION = 'attache.dev/grpc-stats';

/**
 * Both filters are on by default: they leave plain gRPC untouched and are what gRPC users
 * expect of a gateway. Annotations turn them off (GatewayParameters configure the provisioned
 * Envoys' Deployment, not their listeners).
 */
function grpcFiltersOf(gateway: Gateway): GrpcFilters {
  const annotations = gateway.metadata.annotations ?? {};
  return { web: annotations[GRPC_WEB_ANNOTATION] !== 'false', stats: annotations[GRPC_STATS_ANNOTATION] !== 'false' };
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

export function buildGatewayContexts(
  gateways: readonly Gateway[],
  ownClasses: readonly GatewayClass[],
  options: TranslateOptions,
  index: ResourceIndex,
): GatewayContext[] {
  const classNames = new Set(ownClasses.map((c) => c.metadata.name));
  const ours = gateways.filter((g) => classNames.has(g.spec.gatewayClassName));
  const pooled = options.addressPool && !options.provisioned ? allocateAddresses(ours, options.addressPool) : new Map<string, string>();
  return ours.map((gateway) => {
    const { address, problem, notUsable, statusAddresses, notAssigned } = options.provisioned
      ? provisionedAddress(gateway, index)
      : bindAddress(gateway, pooled, options);
    return {
      gateway,
      key: gatewayKey(gateway.metadata.namespace, gateway.metadata.name),
      address,
      addressProblem: problem,
      addressNotUsable: notUsable,
      ...(statusAddresses ? { statusAddresses } : {}),
      ...(notAssigned ? { addressNotAssigned: notAssigned } : {}),
      parametersProblem: gatewayParametersProblem(gateway, index.gatewayParameters),
      listeners: buildListenerContexts(gateway, address, options, index),
      grpcFilters: grpcFiltersOf(gateway),
    };
  });
}

/**
 * The first `IPAddress` in spec.addresses is where Envoy binds; other address types are not
 * supported. With `--address-pool`, a static address must come from the pool: the pool is what
 * the operator made bindable, so any other address is not usable (GatewayStaticAddresses).
 */
function bindAddress(gateway: Gateway, pooled: ReadonlyMap<string, string>, options: TranslateOptions): BoundAddress {
  const requested = gateway.spec.addresses ?? [];
  const key = gatewayKey(gateway.metadata.namespace, gateway.metadata.name);
  if (wantsAssignedAddress(gateway)) return { address: pooled.get(key) ?? options.defaultAddress };
  const bad = requested.findIndex((a) => (a.type ?? 'IPAddress') !== 'IPAddress' || !a.value || !IPV4.test(a.value));
  if (bad >= 0) return { address: options.defaultAddress, problem: `spec.addresses[${bad}]: only IPv4 IPAddress values are supported` };
  const address = requested[0].value!;
  if (options.addressPool && !inPool(options.addressPool, address)) {
    return { address, notUsable: `spec.addresses[0]: ${address} is outside the address pool (--address-pool), so no proxy can bind it` };
  }
  return { address };
}

interface BoundAddress {
  address: string;
  problem?: string;
  notUsable?: string;
  statusAddresses?: GatewayStatusAddress[];
  notAssigned?: string;
}

/**
 * Provisioned mode: the Gateway's own Envoys bind the wildcard address in their Pods, and its
 * addresses are those of the Service generated for it (addresses.ts). An address asked for in
 * spec.addresses must be one of them (the Service's type and parameters decide what it gets).
 */
const PROVISIONED_ADDRESS_TYPES: ReadonlySet<string> = new Set(['IPAddress', 'Hostname']);

function provisionedAddress(gateway: Gateway, index: ResourceIndex): BoundAddress {
  const service = index.gatewayService(gateway);
  const statusAddresses = serviceAddresses(service);
  const base = { address: PROVISIONED_BIND_ADDRESS, statusAddresses };
  // Only the types a Service's load-balancer ingress can carry: any other is not supported (Accepted=False), whatever the Service has.
  const unsupported = (gateway.spec.addresses ?? []).findIndex((a) => !PROVISIONED_ADDRESS_TYPES.has(a.type ?? 'IPAddress'));
  if (unsupported >= 0) {
    const type = gateway.spec.addresses![unsupported].type;
    return { ...base, problem: `spec.addresses[${unsupported}]: type ${type} is not supported (IPAddress or Hostname)` };
  }
  if (!service) return { ...base, notAssigned: 'No address yet: the Service of this Gateway does not exist yet' };
  const serviceName = `${service.metadata.namespace}/${service.metadata.name}`;
  if (statusAddresses.length === 0) return { ...base, notAssigned: `No address yet: Service ${serviceName} has no load-balancer ingress or cluster IP` };
  const missing = (gateway.spec.addresses ?? []).findIndex((a) => a.value && !statusAddresses.some((s) => s.value === a.value));
  if (missing >= 0) {
    const value = gateway.spec.addresses![missing].value!;
    const has = statusAddresses.map((a) => a.value).join(', ');
    return { ...base, notUsable: `spec.addresses[${missing}]: ${value} is not an address of Service ${serviceName} (it has ${has})` };
  }
  return base;
}

/** ListenersNotValid SHOULD say which listeners are rejected (and why) and which are accepted (GatewaySpec.Listeners). */
function listenersNotValidMessage(listeners: readonly ListenerContext[]): string {
  const rejected = listeners.flatMap((l) => {
    const issue = l.issues.find((i) => i.type === ConditionType.Accepted);
    return issue ? [`${l.listener.name} (${issue.reason})`] : [];
  });
  const accepted = listeners.filter(isListenerAccepted).map((l) => l.listener.name);
  return `Listeners not accepted: ${rejected.join(', ')}; accepted: ${accepted.join(', ') || 'none'}`;
}

export function gatewayStatus(ctx: GatewayContext, attached: ReadonlyMap<ListenerContext, number>, options: TranslateOptions): GatewayStatusEntry {
  const c = new ConditionBuilder(ctx.gateway.metadata.generation, options.now);
  const listeners = ctx.listeners.map((l) => listenerStatus(l, attached.get(l) ?? 0, options));
  const anyValid = ctx.listeners.some(isListenerAccepted);
  const allValid = ctx.listeners.every(isListenerAccepted);
  // A listener can be accepted yet not served (HTTPS without a valid certificate).
  const anyProgrammed = ctx.listeners.some(isListenerProgrammed);
  // An infrastructure.parametersRef that does not resolve to our GatewayParameters (parameters.ts):
  // GatewayInfrastructure.parametersRef says "Accepted=False, reason InvalidParameters".
  const parametersRef = ctx.parametersProblem;
  const conditions = [
    parametersRef
      ? c.make(ConditionType.Accepted, false, Reason.InvalidParameters, parametersRef)
      : ctx.addressProblem
        ? c.make(ConditionType.Accepted, false, Reason.UnsupportedAddress, ctx.addressProblem)
        : allValid
          ? c.make(ConditionType.Accepted, true, Reason.Accepted, 'Gateway is accepted')
          : c.make(ConditionType.Accepted, anyValid, Reason.ListenersNotValid, listenersNotValidMessage(ctx.listeners)),
    ctx.addressNotUsable && !ctx.addressProblem && !parametersRef
      ? c.make(ConditionType.Programmed, false, Reason.AddressNotUsable, ctx.addressNotUsable)
      : ctx.addressNotAssigned && !ctx.addressProblem && !parametersRef
        ? c.make(ConditionType.Programmed, false, Reason.AddressNotAssigned, ctx.addressNotAssigned)
        : anyProgrammed && !ctx.addressProblem && !parametersRef
          ? c.make(ConditionType.Programmed, true, Reason.Programmed, `Configuration is served to proxies with node.cluster "${ctx.key}"`)
          : c.make(ConditionType.Programmed, false, Reason.Invalid, 'No valid listener to program'),
  ];
  return {
    kind: 'Gateway',
    namespace: ctx.gateway.metadata.namespace,
    name: ctx.gateway.metadata.name,
    generation: ctx.gateway.metadata.generation,
    // Only addresses actually bound are listed (GatewayStatus.addresses); provisioned: the Service's.
    status: { addresses: ctx.statusAddresses ?? (ctx.addressNotUsable ? [] : [{ type: 'IPAddress', value: ctx.address }]), conditions, listeners },
  };
}

/** Whether Envoy is given a listener for this Gateway listener (an address no proxy can bind gets none: Envoy would reject the whole update). */
function served(gateway: GatewayContext, l: ListenerContext): boolean {
  return isListenerProgrammed(l) && !gateway.addressNotUsable;
}

/**
 * Gateway listener name → the Envoy Listener that serves it, for the listeners Envoy is given:
 * what a proxy must run for the listener's `Programmed` (programmed.ts).
 */
export function envoyListeners(gateway: GatewayContext): Map<string, string> {
  return new Map(gateway.listeners.filter((l) => served(gateway, l)).map((l) => [l.listener.name, listenerName(gateway.address, l.port)]));
}

/** Route candidates per Gateway listener; a listener is a key as soon as one route attaches to it. */
export type AttachedCandidates = ReadonlyMap<ListenerContext, readonly HostedCandidate[]>;

/**
 * The IR of one Gateway: one IR listener per port Envoy binds.
 *  - Plain HTTP listeners on a port share one filter chain and RouteConfiguration, whose
 *    virtual hosts merge the routes of all of them (the Host header tells them apart).
 *  - Each HTTPS listener gets its own filter chain, chosen by SNI (its hostname; none means any
 *    name), with its certificates and its own RouteConfiguration, so a request only ever sees
 *    the routes of the listener its TLS handshake selected (Envoy Gateway's layout).
 * Conflict detection (listener.ts) guarantees one protocol per port and distinct hostnames, so
 * no two chains of a listener have the same match. Listeners Envoy cannot serve (not accepted,
 * or HTTPS without a certificate) get no chain; a port left without chains gets no listener.
 */
export function buildGatewayIR(gateway: GatewayContext, attached: AttachedCandidates, clusters: ClusterIR[]): GatewayIR {
  const byPort = new Map<number, ListenerContext[]>();
  for (const l of gateway.listeners) {
    if (served(gateway, l)) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  }
  const listeners: HTTPListener[] = [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, onPort]) => ({
      name: listenerName(gateway.address, port),
      address: gateway.address,
      port,
      filterChains: onPort[0].protocol === 'HTTPS' ? onPort.map((l) => tlsChain(gateway, port, l, attached)) : [httpChain(gateway, port, onPort, attached)],
    }));
  const secrets = servedSecrets(byPort);
  return { key: gateway.key, listeners, clusters, ...(secrets.length > 0 ? { secrets } : {}) };
}

/** The gRPC-Web and gRPC statistics filters serve GRPCRoute rules (Envoy Gateway's rule); HTTPRoutes alone need neither. */
function servesGRPCRoute(hosted: readonly HostedCandidate[] | undefined): boolean {
  return (hosted ?? []).some((h) => h.candidate.route.match.grpcOnly);
}

function chainGrpcFilters(gateway: GatewayContext, servesGrpc: boolean): GrpcFilters {
  return { web: servesGrpc && gateway.grpcFilters.web, stats: servesGrpc && gateway.grpcFilters.stats };
}

function httpChain(gateway: GatewayContext, port: number, onPort: readonly ListenerContext[], attached: AttachedCandidates): FilterChainIR {
  const grpc = onPort.some((l) => servesGRPCRoute(attached.get(l)));
  return {
    name: filterChainName(port),
    serverNames: [],
    routeConfigName: routeConfigName(gateway.address, port),
    // Listeners that meet on one bound port (80 and 10080 behind --port-shift) share the chain; the first one's port is used.
    virtualHosts: buildVirtualHosts(
      onPort.map((l) => ({ hostname: l.listener.hostname || ANY_HOST, hosted: attached.get(l) ?? [] })),
      { port: onPort[0]?.listener.port ?? port, scheme: 'http' },
    ),
    grpc: chainGrpcFilters(gateway, grpc),
  };
}

function tlsChain(gateway: GatewayContext, port: number, l: ListenerContext, attached: AttachedCandidates): FilterChainIR {
  const hosted = attached.get(l);
  return {
    name: filterChainName(port, l.listener.name),
    // Envoy's server_names take `*.example.com` as a suffix wildcard, like the Gateway API hostname.
    serverNames: l.listener.hostname ? [l.listener.hostname] : [],
    tls: { secretNames: [...new Set(l.certificates.map((s) => s.name))] },
    routeConfigName: tlsRouteConfigName(gateway.address, port, l.listener.name),
    virtualHosts: buildVirtualHosts([{ hostname: l.listener.hostname || ANY_HOST, hosted: hosted ?? [] }], { port: l.listener.port, scheme: 'https' }),
    grpc: chainGrpcFilters(gateway, servesGRPCRoute(hosted)),
  };
}

/** Every certificate a served chain names, once (listeners may share a Secret), by name. */
function servedSecrets(byPort: ReadonlyMap<number, readonly ListenerContext[]>): SecretIR[] {
  const byName = new Map<string, SecretIR>();
  for (const onPort of byPort.values()) for (const l of onPort) for (const s of l.certificates) byName.set(s.name, s);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
