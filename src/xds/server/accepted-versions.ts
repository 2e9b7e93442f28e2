/**
 * Per stream and type: the version of each resource the client has *accepted*, as opposed to
 * `held` in subscription.ts (what we sent, ACKed or not). The two differ exactly after a NACK:
 * the client keeps running its last accepted version of a rejected resource (xds_protocol
 * "NACK"; Envoy keeps the other resources of the same response), so this is what tells which
 * resources of a rejected response were new to the client — the candidates for what it
 * refused — and which version it still runs.
 *
 * `known` says whether we know the client's starting point at all: after a reconnect to a
 * restarted control plane, a SotW client reports a version string from the other process,
 * which says nothing about individual resources.
 */

/** One resource of a response: its name and content version (the snapshot's per-resource hash). */
export interface ResourceVersion {
  name: string;
  version: string;
}

/** A resource of a rejected response that the client did not already run at that version. */
export interface RejectedResource extends ResourceVersion {
  /** The version the client still runs; undefined when it had none (a new resource) or `known` is false. */
  acceptedVersion?: string;
}

/** What settling a response needs to know about it. */
export interface SettledResponse {
  resources: readonly ResourceVersion[];
  removed: readonly string[];
  /** SotW LDS/CDS: the response is the client's whole set. */
  replacesAll: boolean;
}

export class AcceptedVersions {
  private readonly versions = new Map<string, string>();
  /** Whether the client's accepted state is known (see the file header). */
  known = false;

  /** The client holds exactly these (Delta `initial_resource_versions`, or nothing at all). */
  seed(versions: Readonly<Record<string, string>>): void {
    this.versions.clear();
    for (const [name, version] of Object.entries(versions)) this.versions.set(name, version);
    this.known = true;
  }

  /** The client ACKed `response`: it now runs every resource in it. */
  accept(response: SettledResponse): void {
    if (response.replacesAll) this.versions.clear();
    for (const r of response.resources) this.versions.set(r.name, r.version);
    for (const name of response.removed) this.versions.delete(name);
    this.known = true;
  }

  /** The client stopped subscribing to `name`: it drops the resource. */
  forget(name: string): void {
    this.versions.delete(name);
  }

  names(): IterableIterator<string> {
    return this.versions.keys();
  }

  /** The version of `name` the client runs, undefined if none (or unknown). */
  version(name: string): string | undefined {
    return this.versions.get(name);
  }

  /** The resources of a rejected response that differ from what the client runs. */
  rejectedIn(response: SettledResponse): RejectedResource[] {
    return response.resources.flatMap((r) => {
      const accepted = this.versions.get(r.name);
      if (accepted === r.version) return [];
      return [accepted === undefined ? { ...r } : { ...r, acceptedVersion: accepted }];
    });
  }

  size(): number {
    return this.versions.size;
  }
}
