/** Lookups over the translation input, built once per translation. */
import { type EndpointSlice, type Secret, type Service, SERVICE_NAME_LABEL } from '../apis/core';
import { type ReferenceGrant } from '../apis/gateway-api';
import { namespacedName } from '../apis/meta';
import { type Resources } from '../store/resources';

export class ResourceIndex {
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice[]>();
  private readonly secrets = new Map<string, Secret>();
  readonly referenceGrants: readonly ReferenceGrant[];

  constructor(resources: Resources) {
    for (const s of resources.services) this.services.set(namespacedName(s.metadata.namespace, s.metadata.name), s);
    for (const slice of resources.endpointSlices) {
      const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!svc) continue;
      const key = namespacedName(slice.metadata.namespace, svc);
      this.slices.set(key, [...(this.slices.get(key) ?? []), slice]);
    }
    for (const s of resources.secrets) this.secrets.set(namespacedName(s.metadata.namespace, s.metadata.name), s);
    this.referenceGrants = resources.referenceGrants;
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.secrets.get(namespacedName(namespace, name));
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespacedName(namespace, name));
  }

  endpointSlices(namespace: string, serviceName: string): readonly EndpointSlice[] {
    return this.slices.get(namespacedName(namespace, serviceName)) ?? [];
  }
}
