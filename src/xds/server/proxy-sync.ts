/**
 * Whether one proxy runs what it is served: the ground truth behind a Gateway's `Programmed`
 * ("traffic flows"). A proxy runs a resource when it ACKed it at the version of the snapshot it
 * is served now (its own snapshot while something is held for it, rejections/); a Listener
 * serves traffic when the proxy runs it and, transitively, everything it refers to:
 * RouteConfigurations and Secrets, the Clusters routes send to, their ClusterLoadAssignments.
 * A proxy is `current` when it runs every Listener and every Cluster of its snapshot that way.
 *
 * Only ACKs count, not pushes: a response written but not yet answered, or answered with a
 * NACK, leaves the proxy on its previous version (xds_protocol "ACK/NACK"). Pure: the stream
 * passes its accepted versions and its standing rejection in.
 */
import type { Snapshot } from '../cache/snapshot';
import { messageName, TypeUrl } from '../resources';

export interface ProxySync {
  /** The stream: one proxy (node ids are client-chosen and may repeat). */
  streamId: number;
  nodeId: string;
  /** Its snapshot key: node.cluster, the Gateway's `namespace/name`. */
  key: string;
  /** Runs every Listener and Cluster of the snapshot it is served, with all they refer to, at the served version. */
  current: boolean;
  /** The Listeners it runs that way, sorted. */
  listeners: string[];
  /** When not current, why: its standing rejection, or the first resource it has not accepted yet. */
  behind?: string;
}

/** The version of a resource the proxy runs (ACKed), undefined if none. */
export type AcceptedVersion = (typeUrl: TypeUrl, name: string) => string | undefined;

/** A NACK not yet followed by an ACK of its type. */
export interface StandingRejection {
  typeUrl: TypeUrl;
  names: readonly string[];
  message: string;
}

/** Envoy quotes offending values (a regex can be long): a status message stays readable. */
const MAX_MESSAGE = 300;
/** Rejected resources named in the message; the rest are counted. */
const MAX_NAMES = 3;

function kindOf(typeUrl: TypeUrl): string {
  const message = messageName(typeUrl);
  return message.slice(message.lastIndexOf('.') + 1);
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/**
 * Walks `typeUrl/name` and what it refers to; returns the first resource the proxy does not run
 * at the snapshot's version (as text), or undefined when it runs them all. `seen` is shared
 * between walks of one snapshot, so each resource is checked once per proxy.
 */
function firstBehind(snapshot: Snapshot, accepted: AcceptedVersion, typeUrl: TypeUrl, name: string, seen: Map<string, string | undefined>): string | undefined {
  const id = `${typeUrl}|${name}`;
  if (seen.has(id)) return seen.get(id);
  // Cycles cannot occur (references point down the ADS order), but a walk never loops.
  seen.set(id, undefined);
  const resource = snapshot.resource(typeUrl, name);
  // A dangling reference cannot be in a snapshot the cache accepted (consistency.ts).
  if (!resource) return undefined;
  let behind: string | undefined;
  if (accepted(typeUrl, name) !== resource.version) {
    behind = `has not accepted ${kindOf(typeUrl)} ${name} at version ${resource.version}`;
  } else {
    for (const [refType, names] of Object.entries(resource.references) as Array<[TypeUrl, readonly string[]]>) {
      for (const ref of names) {
        behind = firstBehind(snapshot, accepted, refType, ref, seen);
        if (behind !== undefined) break;
      }
      if (behind !== undefined) break;
    }
  }
  seen.set(id, behind);
  return behind;
}

/** What a proxy served `snapshot` runs of it; `rejection` explains why it is behind, when it is. */
export function proxySync(
  snapshot: Snapshot | undefined,
  accepted: AcceptedVersion,
  rejection?: StandingRejection,
): Omit<ProxySync, 'streamId' | 'nodeId' | 'key'> {
  if (!snapshot) return { current: false, listeners: [], behind: 'has no configuration yet' };
  const seen = new Map<string, string | undefined>();
  const listeners: string[] = [];
  let behind: string | undefined;
  for (const name of [...snapshot.resources(TypeUrl.Listener).keys()].sort()) {
    const missing = firstBehind(snapshot, accepted, TypeUrl.Listener, name, seen);
    if (missing === undefined) listeners.push(name);
    else behind ??= missing;
  }
  for (const name of [...snapshot.resources(TypeUrl.Cluster).keys()].sort()) {
    behind ??= firstBehind(snapshot, accepted, TypeUrl.Cluster, name, seen);
  }
  if (behind === undefined) return { current: true, listeners };
  if (rejection) {
    const names = rejection.names.length > MAX_NAMES ? [...rejection.names.slice(0, MAX_NAMES), `${rejection.names.length - MAX_NAMES} more`] : rejection.names;
    const what = names.length > 0 ? `${kindOf(rejection.typeUrl)} ${names.join(', ')}` : `a ${kindOf(rejection.typeUrl)} response`;
    behind = `rejected ${what}: ${clip(rejection.message)}`;
  }
  return { current: false, listeners, behind };
}
