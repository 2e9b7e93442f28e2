/**
 * An immutable, versioned set of xDS resources for one node key.
 *
 * Each resource is encoded into an Any exactly once, here, so a snapshot costs the same to
 * serve to one proxy or to a hundred (go-control-plane learned this the hard way, #597/#1324).
 *
 * Versions are content hashes, never counters: rebuilding identical configuration gives
 * identical versions, so a no-op rebuild pushes nothing and a Delta client reconnecting with
 * `initial_resource_versions` is not sent what it already has.
 */
import { createHash } from 'crypto';
import { encodeAny, type EncodedAny } from '../proto';
import { ADS_PUSH_ORDER, SHORT_NAME, TypeUrl } from '../resources';
import { referencesOf, type ResourceReferences } from './references';
import type { ResourceEncoder } from './resource-encoder';

/** One encoded resource inside a snapshot. */
export interface SnapshotResource {
  name: string;
  /** Content hash of the encoded bytes: equal bytes, equal version, in any process. */
  version: string;
  any: EncodedAny;
  /** Names this resource refers to, grouped by the type URL they live under. */
  references: ResourceReferences;
}

/** What translation hands over: plain objects (snake_case, nested Anys as `{'@type': ...}`) per type URL. */
export type SnapshotInput = Partial<Record<TypeUrl, ReadonlyArray<{ name: string; resource: object }>>>;

const VERSION_LENGTH = 16;

function shortHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, VERSION_LENGTH);
}

const NO_RESOURCES: ReadonlyMap<string, SnapshotResource> = new Map();

export class Snapshot {
  private readonly versions = new Map<TypeUrl, string>();

  /**
   * Use `buildSnapshot`; this constructor trusts its arguments.
   * @param byType resources per type URL (a missing type means "none of that type")
   * @param problems defects found while building (duplicate names); they fail the consistency check
   */
  constructor(
    private readonly byType: ReadonlyMap<TypeUrl, ReadonlyMap<string, SnapshotResource>>,
    readonly problems: readonly string[] = [],
  ) {
    for (const typeUrl of ADS_PUSH_ORDER) this.versions.set(typeUrl, combinedVersion(this.resources(typeUrl).values()));
  }

  /** The resources of one type, by name. Empty (never undefined) for a type with none. */
  resources(typeUrl: TypeUrl): ReadonlyMap<string, SnapshotResource> {
    return this.byType.get(typeUrl) ?? NO_RESOURCES;
  }

  resource(typeUrl: TypeUrl, name: string): SnapshotResource | undefined {
    return this.resources(typeUrl).get(name);
  }

  /**
   * One version for a whole type: a hash of the sorted `name:version` pairs. Identical content
   * gives an identical version; any change to any resource of the type changes it.
   */
  typeVersion(typeUrl: TypeUrl): string {
    return this.versions.get(typeUrl) ?? combinedVersion([]);
  }

  /**
   * A copy with the resources of one type replaced and every other type shared, already
   * encoded: the EndpointSlice fast path re-encodes ClusterLoadAssignments only.
   */
  withResources(typeUrl: TypeUrl, resources: ReadonlyMap<string, SnapshotResource>, problems: readonly string[] = []): Snapshot {
    const byType = new Map(this.byType);
    byType.set(typeUrl, resources);
    return new Snapshot(byType, [...this.problems, ...problems]);
  }

  /** True when every type has the same version in both snapshots, i.e. nothing to push. */
  sameContentAs(other: Snapshot): boolean {
    return ADS_PUSH_ORDER.every((typeUrl) => this.typeVersion(typeUrl) === other.typeVersion(typeUrl));
  }

  /** Counts per short type name, for logs (`{cluster: 3, listener: 1, ...}`). */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const typeUrl of ADS_PUSH_ORDER) out[SHORT_NAME[typeUrl]] = this.resources(typeUrl).size;
    return out;
  }
}

/**
 * One version for a set of resources: a hash of the sorted `name:version` pairs. For a whole
 * type it is the type's version; the server also uses it for a SotW response carrying a
 * different set (a subset, or one that still keeps removed resources), so that different
 * content never travels under the same version string.
 */
export function combinedVersion(resources: Iterable<SnapshotResource>): string {
  const pairs = [...resources].map((r) => `${r.name}:${r.version}`).sort();
  return shortHash(pairs.join('\n'));
}

/**
 * Encodes one resource; throws if protobufjs cannot encode the object (a wrong shape, e.g. a
 * bare number for a wrapper). With an `encoder`, parts unchanged since its last build are reused.
 */
function buildResource(typeUrl: TypeUrl, name: string, resource: object, encoder?: ResourceEncoder): SnapshotResource {
  const any = encoder ? encoder.encodeAny(typeUrl, resource) : encodeAny(typeUrl, resource);
  return { name, version: shortHash(any.value), any, references: referencesOf(typeUrl, resource) };
}

/**
 * The name Envoy will see inside the message. It must equal the name the resource is served
 * under, or Envoy files it under a name nobody asked for. ClusterLoadAssignment alone calls
 * the field `cluster_name`.
 */
function declaredName(typeUrl: TypeUrl, resource: object): unknown {
  const fields = resource as Record<string, unknown>;
  return typeUrl === TypeUrl.ClusterLoadAssignment ? fields.cluster_name : fields.name;
}

function nameProblem(typeUrl: TypeUrl, name: string, resource: object, seen: ReadonlyMap<string, unknown>): string | undefined {
  const kind = SHORT_NAME[typeUrl];
  if (name === '') return `${kind} with an empty name`;
  if (seen.has(name)) return `duplicate ${kind} name "${name}"`;
  const inside = declaredName(typeUrl, resource);
  if (inside !== name) return `${kind} "${name}" carries the name ${JSON.stringify(inside)} inside`;
  return undefined;
}

/**
 * Encodes every resource once and versions it. Defects are recorded as problems that fail the
 * consistency check, rather than thrown, so one bad resource costs a refused snapshot (the
 * last good one keeps serving) instead of the control plane: a name given twice (Envoy NACKs
 * duplicate names, xds_protocol "Duplicate Resource Names"), an empty name, a name that
 * differs from the one inside the message, or an object that cannot be encoded. The offending
 * entry is left out.
 */
export function buildSnapshot(input: SnapshotInput, encoder?: ResourceEncoder): Snapshot {
  const byType = new Map<TypeUrl, ReadonlyMap<string, SnapshotResource>>();
  const problems: string[] = [];
  for (const typeUrl of ADS_PUSH_ORDER) {
    const entries = input[typeUrl];
    if (!entries) continue;
    const built = buildResources(typeUrl, entries, encoder);
    byType.set(typeUrl, built.resources);
    problems.push(...built.problems);
  }
  return new Snapshot(byType, problems);
}

/** Encodes the resources of one type, as `buildSnapshot` does for each (same checks, same problems). */
export function buildResources(
  typeUrl: TypeUrl,
  entries: ReadonlyArray<{ name: string; resource: object }>,
  encoder?: ResourceEncoder,
): { resources: Map<string, SnapshotResource>; problems: string[] } {
  const resources = new Map<string, SnapshotResource>();
  const problems: string[] = [];
  for (const { name, resource } of entries) {
    const problem = nameProblem(typeUrl, name, resource, resources);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    try {
      resources.set(name, buildResource(typeUrl, name, resource, encoder));
    } catch (err) {
      problems.push(`${SHORT_NAME[typeUrl]} "${name}" cannot be encoded: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { resources, problems };
}
