/**
 * The names one xDS resource refers to, read from the plain object before it is encoded.
 *
 * The cache needs these for two reasons: the consistency check (a Listener must never reach
 * Envoy before the RouteConfiguration it names, or it warms forever — xds_protocol "Resource
 * warming"), and the push rule that a changed Cluster gets its ClusterLoadAssignment resent
 * (Envoy re-warms an updated cluster and waits for a fresh EDS answer).
 *
 * Only the shapes Attaché emits are read; anything else simply yields no reference. Nested
 * Anys may be plain (`{'@type': ...}`, as Envoy YAML writes them) or already encoded
 * (`{type_url, value}`); the latter are decoded so both forms give the same answer.
 */
import { decodeAny } from '../proto';
import { TypeUrl } from '../resources';

/** Referenced names, grouped by the type URL they live under. */
export type ResourceReferences = Readonly<Partial<Record<TypeUrl, readonly string[]>>>;

const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const DOWNSTREAM_TLS_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const UPSTREAM_TLS_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

type PlainObject = Record<string, unknown>;

function asObject(value: unknown): PlainObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PlainObject) : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function asName(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Follows a path of object keys; undefined as soon as one step is missing. */
function at(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    current = asObject(current)?.[key];
    if (current === undefined) return undefined;
  }
  return current;
}

/** An Any's message as a plain object with its type URL, whichever form it was written in. */
function unpackAny(value: unknown): { typeUrl: string; message: PlainObject } | undefined {
  const packed = asObject(value);
  if (!packed) return undefined;
  const plainType = packed['@type'];
  if (typeof plainType === 'string') return { typeUrl: plainType, message: packed };
  const encodedValue = packed.value;
  if (typeof packed.type_url === 'string' && encodedValue instanceof Uint8Array) {
    return { typeUrl: packed.type_url, message: decodeAny({ type_url: packed.type_url, value: Buffer.from(encodedValue) }) };
  }
  return undefined;
}

/** Collects names per referenced type, deduplicated and sorted so equal inputs give equal lists. */
class ReferenceSet {
  private readonly byType = new Map<TypeUrl, Set<string>>();

  add(typeUrl: TypeUrl, name: string | undefined): void {
    if (name === undefined) return;
    let names = this.byType.get(typeUrl);
    if (!names) {
      names = new Set<string>();
      this.byType.set(typeUrl, names);
    }
    names.add(name);
  }

  result(): ResourceReferences {
    const out: Partial<Record<TypeUrl, readonly string[]>> = {};
    for (const [typeUrl, names] of this.byType) out[typeUrl] = [...names].sort();
    return out;
  }
}

/**
 * SDS secrets named by a TLS context. A `SdsSecretConfig` without `sds_config` names a static
 * secret from Envoy's bootstrap (sds.proto), which is not ours to serve, so it is skipped.
 */
function addTlsSecrets(refs: ReferenceSet, transportSocket: unknown, tlsType: string): void {
  const tls = unpackAny(at(transportSocket, 'typed_config'));
  if (!tls || tls.typeUrl !== tlsType) return;
  const common = at(tls.message, 'common_tls_context');
  const configs = [
    ...asArray(at(common, 'tls_certificate_sds_secret_configs')),
    at(common, 'validation_context_sds_secret_config'),
    at(common, 'combined_validation_context', 'validation_context_sds_secret_config'),
  ];
  for (const config of configs) {
    if (at(config, 'sds_config') !== undefined) refs.add(TypeUrl.Secret, asName(at(config, 'name')));
  }
}

function addFilterChain(refs: ReferenceSet, chain: unknown): void {
  for (const filter of asArray(at(chain, 'filters'))) {
    const hcm = unpackAny(at(filter, 'typed_config'));
    if (hcm?.typeUrl === HCM_TYPE) {
      refs.add(TypeUrl.RouteConfiguration, asName(at(hcm.message, 'rds', 'route_config_name')));
    }
  }
  addTlsSecrets(refs, at(chain, 'transport_socket'), DOWNSTREAM_TLS_TYPE);
}

function listenerReferences(listener: PlainObject, refs: ReferenceSet): void {
  for (const chain of asArray(listener.filter_chains)) addFilterChain(refs, chain);
  if (listener.default_filter_chain !== undefined) addFilterChain(refs, listener.default_filter_chain);
}

function clusterReferences(cluster: PlainObject, refs: ReferenceSet): void {
  // Generated types allow an enum by name or by number (EDS = 3 in cluster.proto).
  if (cluster.type === 'EDS' || cluster.type === 3) {
    refs.add(TypeUrl.ClusterLoadAssignment, asName(at(cluster, 'eds_cluster_config', 'service_name')) ?? asName(cluster.name));
  }
  addTlsSecrets(refs, cluster.transport_socket, UPSTREAM_TLS_TYPE);
}

function routeConfigurationReferences(routeConfig: PlainObject, refs: ReferenceSet): void {
  for (const virtualHost of asArray(routeConfig.virtual_hosts)) {
    for (const route of asArray(at(virtualHost, 'routes'))) {
      const action = at(route, 'route');
      refs.add(TypeUrl.Cluster, asName(at(action, 'cluster')));
      for (const weighted of asArray(at(action, 'weighted_clusters', 'clusters'))) {
        refs.add(TypeUrl.Cluster, asName(at(weighted, 'name')));
      }
      for (const mirror of asArray(at(action, 'request_mirror_policies'))) {
        refs.add(TypeUrl.Cluster, asName(at(mirror, 'cluster')));
      }
    }
  }
}

/** The names `resource` (a plain object of type `typeUrl`) refers to, grouped by their type. */
export function referencesOf(typeUrl: TypeUrl, resource: object): ResourceReferences {
  const refs = new ReferenceSet();
  const plain = resource as PlainObject;
  switch (typeUrl) {
    case TypeUrl.Listener:
      listenerReferences(plain, refs);
      break;
    case TypeUrl.Cluster:
      clusterReferences(plain, refs);
      break;
    case TypeUrl.RouteConfiguration:
      routeConfigurationReferences(plain, refs);
      break;
    default:
      // ClusterLoadAssignments and Secrets are leaves.
      break;
  }
  return refs.result();
}
