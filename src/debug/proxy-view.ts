/**
 * The per-proxy view behind `/proxies` and `attache proxies`: for each connected proxy, who it
 * is (node id, cluster, metadata), how it talks (SotW or Delta), per type what was last sent
 * and last ACKed, its last NACK with Envoy's message, and one verdict:
 *  - SYNCED: every subscribed type ACKed at the version last sent, and nothing of what it
 *    should run is held back because it rejected it;
 *  - STALE: a response is not answered yet (normal for a few milliseconds after a change);
 *  - NACKED: its latest response of some type was rejected, or content it rejected is still
 *    held at the last accepted version (or left out) — it runs something other than the
 *    objects as written describe, until they change.
 * The second NACKED case matters because a rejection is resolved at once by serving the last
 * accepted version, which the proxy then ACKs: its versions alone would say "in sync".
 */
import type { ConnectionInfo, SubscriptionInfo } from '../xds/server/ads';
import { SHORT_NAME } from '../xds/resources';
import { describeResource, type ActiveRejection, type HeldRoute, type PinnedResource } from '../rejections/proxy-rejections';

export type SyncState = 'SYNCED' | 'STALE' | 'NACKED';

/** Envoy quotes the offending value (a regex can be 100 kB); the view stays readable. */
const MAX_MESSAGE = 1000;

export interface TypeView {
  type: string;
  typeUrl: string;
  wildcard: boolean;
  /** Resources the proxy is believed to hold, and how many of them it ACKed. */
  resources: number;
  accepted: number;
  lastVersionSent: string;
  lastVersionAcked: string;
  lastNack?: { at: string; nonce: string; code: number; message: string; resources: string[] };
}

export interface RejectionView {
  /** `GRPCRoute default/name` or `RouteConfiguration routes/127.0.0.1/10080`. */
  object: string;
  /** What the proxy gets meanwhile. */
  served: 'last accepted version' | 'left out';
  message: string;
  since: string;
}

export interface ProxyView {
  nodeId: string;
  cluster: string;
  gateway: string;
  metadata?: unknown;
  protocol: 'SotW' | 'Delta';
  peer: string;
  connectedSince: string;
  sync: SyncState;
  inSync: boolean;
  types: TypeView[];
  /** What this proxy rejected that is still held back. */
  rejected: RejectionView[];
}

export interface GatewayRejections {
  active: ActiveRejection[];
  held: HeldRoute[];
  pinned: PinnedResource[];
}

/** Longest quoted value kept whole: Envoy quotes what it refused (`regex '…'`), and the reason follows it. */
const MAX_QUOTED = 80;

/** Envoy's message, with long quoted values shortened so the reason after them stays in view. */
export function readableMessage(text: string): string {
  const shortened = text.replace(new RegExp(`'([^']{${MAX_QUOTED + 1},})'`, 'g'), (_, quoted: string) => `'${quoted.slice(0, MAX_QUOTED)}…'`);
  return shortened.length > MAX_MESSAGE ? `${shortened.slice(0, MAX_MESSAGE)}…` : shortened;
}

const clip = readableMessage;

function typeView(t: SubscriptionInfo): TypeView {
  return {
    type: SHORT_NAME[t.typeUrl],
    typeUrl: t.typeUrl,
    wildcard: t.wildcard,
    resources: t.held,
    accepted: t.accepted,
    lastVersionSent: t.lastVersionSent,
    lastVersionAcked: t.lastVersionAcked,
    ...(t.lastNack
      ? {
          lastNack: {
            at: t.lastNack.at,
            nonce: t.lastNack.nonce,
            code: t.lastNack.errorDetail.code,
            message: clip(t.lastNack.errorDetail.message),
            resources: t.lastNack.rejected,
          },
        }
      : {}),
  };
}

/** What this proxy (stream) rejected: another stream claiming the same node id is another proxy. */
function rejectionsOf(proxy: number, r: GatewayRejections): RejectionView[] {
  const held = r.held
    .filter((h) => h.proxy === proxy)
    .map((h): RejectionView => {
      const [kind, namespace, name] = h.owner.split('/');
      return { object: `${kind} ${namespace}/${name}`, served: h.served ? 'last accepted version' : 'left out', message: clip(h.message), since: h.since };
    });
  const pinned = r.pinned
    .filter((p) => p.proxy === proxy)
    .map((p): RejectionView => ({
      object: describeResource(p.typeUrl, p.name),
      served: p.served ? 'last accepted version' : 'left out',
      message: clip(p.message),
      since: p.since,
    }));
  return [...held, ...pinned];
}

function syncState(types: readonly TypeView[], rejected: readonly RejectionView[]): SyncState {
  if (rejected.length > 0 || types.some((t) => t.lastNack)) return 'NACKED';
  const answered = types.every((t) => t.lastVersionSent !== '' && t.lastVersionSent === t.lastVersionAcked);
  return types.length > 0 && answered ? 'SYNCED' : 'STALE';
}

/** The view of every identified proxy (streams that have not sent their node yet are left out). */
export function proxyViews(connections: readonly ConnectionInfo[], rejections: (gateway: string) => GatewayRejections): ProxyView[] {
  return connections.flatMap((c): ProxyView[] => {
    if (c.nodeId === undefined || c.key === undefined) return [];
    const types = c.types.map(typeView);
    const rejected = rejectionsOf(c.streamId, rejections(c.key));
    const sync = syncState(types, rejected);
    return [
      {
        nodeId: c.nodeId,
        cluster: c.nodeCluster ?? '',
        gateway: c.key,
        ...(c.nodeMetadata !== undefined ? { metadata: c.nodeMetadata } : {}),
        protocol: c.protocol === 'delta' ? 'Delta' : 'SotW',
        peer: c.peer,
        connectedSince: c.openedAt.toISOString(),
        sync,
        inSync: sync === 'SYNCED',
        types,
        rejected,
      },
    ];
  });
}
