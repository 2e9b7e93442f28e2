/**
 * `Programmed` as the data plane sees it. Translation says whether a Gateway and its listeners
 * *can* be programmed (valid, an address, certificates); this step keeps them `True` only while
 * a proxy of the Gateway (an xDS client with node.cluster = "<namespace>/<name>") runs the
 * configuration: connected, and every resource traffic needs ACKed at the version it is served.
 * Otherwise `False`, reason `Pending` (the spec's reason for "not yet programmed"), with a
 * message saying why: no proxy connected, a proxy has not accepted the version, or rejected it.
 *   - Gateway: at least one proxy runs all of the Gateway's configuration.
 *   - Listener: at least one proxy runs the Envoy Listener that serves it, with its routes,
 *     clusters, endpoints and certificates.
 * Conditions that are already `False` (invalid, no address) keep their reason: that is the
 * first thing to fix. Pure: the data plane's state is an input (the runner reads it from the
 * xDS server), so status can be recomputed on proxy events without translating again.
 */
import { type Condition } from '../apis/meta';
import { ConditionType, Reason } from './conditions';
import { gatewayKey } from './naming';
import { type GatewayStatusEntry, type ListenerStatus, type StatusEntry } from './status';

/** What the proxies of one Gateway run. */
export interface GatewayDataPlane {
  /** Proxies connected with node.cluster = the Gateway's key. */
  connected: number;
  /** Whether at least one of them runs the Gateway's current configuration, everything traffic needs. */
  current: boolean;
  /** Envoy Listeners that at least one of them runs, each with what it refers to. */
  listeners: ReadonlySet<string>;
  /** When none is current: why, about one proxy (`proxy envoy-1 has not accepted Listener … at version …`). */
  behind?: string;
}

/** Per Gateway key; a Gateway without an entry has no proxy connected. */
export type DataPlane = ReadonlyMap<string, GatewayDataPlane>;

/** Per Gateway key, Gateway listener name → the Envoy Listener serving it (gateway.ts `envoyListeners`). */
export type ListenerResources = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** How the data plane's state is to be read. */
export interface DataPlaneOptions {
  /**
   * Proxies may still be reconnecting (this control plane started moments ago): a Gateway that
   * none runs yet is marked `awaitingProxies`, and the Kubernetes writer keeps the `Programmed`
   * conditions the API shows for it, so a restart does not flip every Gateway to False and back.
   */
  reconnecting?: boolean;
}

const NONE: GatewayDataPlane = { connected: 0, current: false, listeners: new Set() };

function pending(condition: Condition, message: string, now: string): Condition {
  return { ...condition, status: 'False', reason: Reason.Pending, message, lastTransitionTime: now };
}

function isProgrammed(c: Condition): boolean {
  return c.type === ConditionType.Programmed && c.status === 'True';
}

function notConnected(key: string): string {
  return `No proxy with node.cluster "${key}" is connected`;
}

function gatewayMessage(key: string, plane: GatewayDataPlane): string {
  if (plane.connected === 0) return notConnected(key);
  return `No connected proxy runs the current configuration (${plane.connected} connected): ${plane.behind ?? 'not accepted yet'}`;
}

function listenerMessage(key: string, envoyListener: string | undefined, plane: GatewayDataPlane): string {
  if (plane.connected === 0) return notConnected(key);
  return `No connected proxy serves Envoy Listener ${envoyListener ?? '(none)'}: ${plane.behind ?? 'not accepted yet'}`;
}

function listenerWithDataPlane(l: ListenerStatus, key: string, envoyListener: string | undefined, plane: GatewayDataPlane, now: string): ListenerStatus {
  if (envoyListener !== undefined && plane.listeners.has(envoyListener)) return l;
  if (!l.conditions.some(isProgrammed)) return l;
  const message = listenerMessage(key, envoyListener, plane);
  return { ...l, conditions: l.conditions.map((c) => (isProgrammed(c) ? pending(c, message, now) : c)) };
}

function gatewayWithDataPlane(entry: GatewayStatusEntry, resources: ListenerResources, plane: DataPlane, now: string, o: DataPlaneOptions): GatewayStatusEntry {
  const key = gatewayKey(entry.namespace, entry.name);
  const ours = plane.get(key) ?? NONE;
  const bound = resources.get(key);
  const listeners = entry.status.listeners.map((l) => listenerWithDataPlane(l, key, bound?.get(l.name), ours, now));
  const conditions = ours.current
    ? entry.status.conditions
    : entry.status.conditions.map((c) => (isProgrammed(c) ? pending(c, gatewayMessage(key, ours), now) : c));
  const awaiting = o.reconnecting === true && !ours.current && entry.status.conditions.some(isProgrammed);
  return { ...entry, ...(awaiting ? { awaitingProxies: true as const } : {}), status: { ...entry.status, conditions, listeners } };
}

/** `status` with Gateway and listener `Programmed` set by what the proxies run (new entries; the input is not changed). */
export function withDataPlane(
  status: readonly StatusEntry[],
  resources: ListenerResources,
  plane: DataPlane,
  now: string,
  o: DataPlaneOptions = {},
): StatusEntry[] {
  return status.map((entry) => (entry.kind === 'Gateway' ? gatewayWithDataPlane(entry, resources, plane, now, o) : entry));
}
