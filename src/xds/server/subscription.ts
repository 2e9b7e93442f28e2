/**
 * Per stream, per type URL: what the client subscribed to, what it holds, and where the
 * ACK/NACK exchange stands (xds-protocol.md §1.9 items 2 and 5).
 *
 * `held` (name → version, and the resource when we sent it) is our belief about what the
 * client holds. It is updated when a response is written, not when it is ACKed, as
 * go-control-plane does: a NACKed response then looks "already sent", which is exactly what
 * stops the reject → resend loop (go-control-plane #46). Unsubscribing forgets a name, so
 * subscribing again resends it.
 *
 * `retainRemoved` (make-before-break, see warming.ts) plans a response that does not yet
 * delete what the snapshot dropped: SotW LDS/CDS keep sending the held resource, Delta leaves
 * it out of `removed_resources`. A later plan without it performs the deletion.
 */
import { FULL_STATE_TYPES, type TypeUrl } from '../resources';
import type { Snapshot, SnapshotResource } from '../cache/snapshot';
import { AcceptedVersions, type RejectedResource } from './accepted-versions';
import { OutstandingResponses, type OutstandingResponse } from './outstanding-responses';
import type { LastNack, SubscriptionInfo } from './subscription-info';

const WILDCARD = '*';

/** What one response should carry; computed, then committed once it is written. */
export interface ResponsePlan {
  /** Resources to send, sorted by name. */
  resources: SnapshotResource[];
  /** Delta only: names the client must drop. */
  removed: string[];
  /** Resources whose version differs from what the client held (for SotW LDS/CDS a subset of `resources`). */
  changed: SnapshotResource[];
  /** SotW LDS/CDS: `resources` is the client's complete new set, replacing what it held. */
  replacesAll: boolean;
}

/** What the client holds of one name: the version, and the resource itself when we sent it. */
interface Held {
  version: string;
  /** Absent when only the version is known (Delta `initial_resource_versions`). */
  resource?: SnapshotResource;
}

function sortByName(resources: SnapshotResource[]): SnapshotResource[] {
  return resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class TypeSubscription {
  /** Names subscribed explicitly (never `*`). */
  private readonly explicit = new Set<string>();
  private wildcard = false;
  /** Legacy wildcard rule: only a stream that never named a resource of this type is wildcard by default. */
  private namesEverGiven = false;
  /** What the client holds, as far as we know. */
  private readonly held = new Map<string, Held>();
  /**
   * Delta: names the next response must mention, in `resources` or, if missing, in
   * `removed_resources` (a subscribed name, or one unsubscribed while `*` still covers it).
   */
  private readonly mustAnswer = new Set<string>();
  /** Written responses awaiting ACK/NACK. */
  private readonly outstanding = new OutstandingResponses();
  /** What the client runs: `held` minus what it rejected. */
  private readonly accepted = new AcceptedVersions();

  /** True once a response was written (or a reconnecting client was shown to be current). */
  responded = false;
  lastNonce = '';
  lastVersionSent = '';
  lastVersionAcked = '';
  lastNack: LastNack | undefined;
  /** SotW: `version_info` of the first request, i.e. what a reconnecting client already runs. */
  private clientVersionAtStart = '';

  constructor(readonly typeUrl: TypeUrl) {}

  isWildcard(): boolean {
    return this.wildcard;
  }

  describe(): SubscriptionInfo {
    return {
      typeUrl: this.typeUrl,
      wildcard: this.wildcard,
      names: [...this.explicit].sort(),
      held: this.held.size,
      accepted: this.accepted.size(),
      lastNonce: this.lastNonce,
      lastVersionSent: this.lastVersionSent,
      lastVersionAcked: this.lastVersionAcked,
      ...(this.lastNack ? { lastNack: this.lastNack } : {}),
    };
  }

  /**
   * The response a request with `nonce` answers, removed from the outstanding set together
   * with every older one (they can no longer be answered). Undefined if unknown or already settled.
   */
  takeOutstanding(nonce: string): OutstandingResponse | undefined {
    return this.outstanding.take(nonce);
  }

  /** `takeOutstanding`, with the older responses it settles (outstanding-responses.ts). */
  takeOutstandingWithEarlier(nonce: string): { response: OutstandingResponse; earlier: OutstandingResponse[] } | undefined {
    return this.outstanding.takeWithEarlier(nonce);
  }

  /** The client ACKed `response`. */
  acceptResponse(response: OutstandingResponse): void {
    this.accepted.accept(response);
  }

  /** Whether we know what the client ran before a response (false after a SotW reconnect to a new process). */
  clientStateKnown(): boolean {
    return this.accepted.known;
  }

  /** The resources of a rejected response that the client did not already run at that version. */
  rejectedIn(response: OutstandingResponse): RejectedResource[] {
    return this.accepted.rejectedIn(response);
  }

  /** The version of `name` the client runs (has ACKed), undefined if none. */
  acceptedVersion(name: string): string | undefined {
    return this.accepted.version(name);
  }

  /** SotW: the first request's `version_info`. Empty means the client holds nothing of this type yet. */
  startSotw(clientVersion: string): void {
    this.clientVersionAtStart = clientVersion;
    if (clientVersion === '') this.accepted.seed({});
  }

  private inScope(name: string): boolean {
    return this.wildcard || this.explicit.has(name);
  }

  /** Drops what the client no longer subscribes to: it discards those itself. */
  private pruneHeld(): void {
    for (const name of this.held.keys()) if (!this.inScope(name)) this.held.delete(name);
    for (const name of [...this.accepted.names()]) if (!this.inScope(name)) this.accepted.forget(name);
  }

  /**
   * SotW: `resource_names` is the complete desired set each time. Empty means wildcard only
   * for LDS/CDS and only if the stream never named anything (xds_protocol "How the client
   * specifies what resources to return"); afterwards it means "nothing".
   */
  updateSotw(resourceNames: readonly string[]): void {
    if (resourceNames.length > 0) this.namesEverGiven = true;
    this.wildcard = resourceNames.includes(WILDCARD) || (!this.namesEverGiven && FULL_STATE_TYPES.has(this.typeUrl));
    this.explicit.clear();
    for (const name of resourceNames) if (name !== WILDCARD) this.explicit.add(name);
    this.pruneHeld();
  }

  /**
   * Delta: applies subscribe/unsubscribe deltas (xds_protocol "Incremental xDS"). Every
   * subscribed name is sent again even if we think the client has it; an unsubscribed name that
   * stays covered by `*` must be answered too, so it is forgotten either way.
   * `initialVersions` (first request of the type only) tells what a reconnecting client holds.
   */
  updateDelta(subscribe: readonly string[], unsubscribe: readonly string[], initialVersions?: Record<string, string>): void {
    const first = initialVersions !== undefined;
    if (first && subscribe.length === 0 && FULL_STATE_TYPES.has(this.typeUrl)) this.wildcard = true;
    for (const name of subscribe) {
      if (name === WILDCARD) {
        this.wildcard = true;
        continue;
      }
      this.explicit.add(name);
      this.held.delete(name);
      this.mustAnswer.add(name);
    }
    for (const name of unsubscribe) {
      if (name === WILDCARD) {
        this.wildcard = false;
        continue;
      }
      this.explicit.delete(name);
      this.held.delete(name);
      if (this.wildcard) this.mustAnswer.add(name);
      else this.mustAnswer.delete(name);
    }
    this.pruneHeld();
    if (!first) return;
    const holding: Record<string, string> = {};
    for (const [name, version] of Object.entries(initialVersions)) {
      if (!this.inScope(name)) continue;
      this.held.set(name, { version });
      holding[name] = version;
    }
    this.accepted.seed(holding);
  }

  /** Makes the next response include `name` again (used to resend a CLA after its Cluster changed). */
  forget(name: string): void {
    this.held.delete(name);
  }

  /** Whether the client is believed to hold `name` (any version). */
  holds(name: string): boolean {
    return this.held.has(name);
  }

  /** The snapshot's resources this client should hold, sorted by name. */
  private scope(snapshot: Snapshot): SnapshotResource[] {
    const all = snapshot.resources(this.typeUrl);
    const chosen = this.wildcard ? [...all.values()] : [...this.explicit].flatMap((name) => all.get(name) ?? []);
    return sortByName(chosen);
  }

  private changedIn(resources: readonly SnapshotResource[]): SnapshotResource[] {
    return resources.filter((r) => this.held.get(r.name)?.version !== r.version);
  }

  /** Held resources the snapshot no longer has, which a retaining plan keeps sending. */
  private removedButHeld(snapshot: Snapshot): SnapshotResource[] {
    const all = snapshot.resources(this.typeUrl);
    return [...this.held.entries()].flatMap(([name, held]) => (!all.has(name) && held.resource ? [held.resource] : []));
  }

  /**
   * SotW (xds_protocol "Grouping Resources into Responses"): LDS/CDS carry the complete set
   * whenever anything in it changed, was added or disappeared (a missing name means delete),
   * and always for the first response, even when empty. RDS/EDS/SDS carry only the changed or
   * newly subscribed resources, and nothing is sent when there are none.
   * With `retainRemoved`, LDS/CDS still carry held resources the snapshot dropped.
   */
  planSotw(snapshot: Snapshot, retainRemoved: boolean): ResponsePlan | undefined {
    const current = this.scope(snapshot);
    const changed = this.changedIn(current);
    if (!FULL_STATE_TYPES.has(this.typeUrl)) {
      return changed.length > 0 ? { resources: changed, removed: [], changed, replacesAll: false } : undefined;
    }
    const resources = retainRemoved ? sortByName([...current, ...this.removedButHeld(snapshot)]) : current;
    // With nothing changed, `held` covers `resources`; a size difference means names disappeared.
    const differs = changed.length > 0 || resources.length !== this.held.size;
    return !this.responded || differs ? { resources, removed: [], changed, replacesAll: true } : undefined;
  }

  /**
   * Reconnect shortcut for wildcard LDS/CDS (xds_protocol "ACK/NACK and resource type instance
   * version"): if the client's first request already names the version we would send, it holds
   * this exact set, so nothing is sent. Safe only for a wildcard-only subscription, where the
   * client cannot be asking for anything new. Returns whether the shortcut applied.
   */
  adoptIfCurrent(snapshot: Snapshot, version: string): boolean {
    if (this.responded || !this.wildcard || this.explicit.size > 0) return false;
    if (!FULL_STATE_TYPES.has(this.typeUrl) || this.clientVersionAtStart !== version) return false;
    const scope = this.scope(snapshot);
    for (const r of scope) this.held.set(r.name, { version: r.version, resource: r });
    this.accepted.seed(Object.fromEntries(scope.map((r) => [r.name, r.version])));
    this.responded = true;
    this.lastVersionSent = version;
    this.lastVersionAcked = version;
    return true;
  }

  /**
   * Delta: changed or newly subscribed resources, plus `removed_resources` for names the client
   * holds that are gone and for names just subscribed that do not exist (Delta's explicit
   * "does not exist", xds_protocol "Knowing When a Requested Resource Does Not Exist").
   * With `retainRemoved`, held resources the snapshot dropped are not removed yet.
   */
  planDelta(snapshot: Snapshot, retainRemoved: boolean): ResponsePlan | undefined {
    const all = snapshot.resources(this.typeUrl);
    const changed = this.changedIn(this.scope(snapshot));
    const removed = new Set<string>();
    if (!retainRemoved) for (const name of this.held.keys()) if (!all.has(name)) removed.add(name);
    for (const name of this.mustAnswer) if (!all.has(name)) removed.add(name);
    if (changed.length === 0 && removed.size === 0) return undefined;
    return { resources: changed, removed: [...removed].sort(), changed, replacesAll: false };
  }

  /** Records a written response. */
  commit(plan: ResponsePlan, nonce: string, version: string): void {
    if (plan.replacesAll) this.held.clear();
    for (const r of plan.resources) this.held.set(r.name, { version: r.version, resource: r });
    for (const name of plan.removed) this.held.delete(name);
    // Every name that needed an answer is now sent, known to be held, or reported removed.
    this.mustAnswer.clear();
    this.responded = true;
    this.lastNonce = nonce;
    this.lastVersionSent = version;
    const resources = plan.resources.map((r) => ({ name: r.name, version: r.version }));
    this.outstanding.add(nonce, {
      version,
      names: [...resources.map((r) => r.name), ...plan.removed],
      resources,
      removed: plan.removed,
      replacesAll: plan.replacesAll,
    });
  }
}
