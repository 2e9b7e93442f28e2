/** Lookups over the translation input, built once per translation. */
import { type EndpointSlice, type Secret, type Service, SERVICE_NAME_LABEL } from '../apis/core';
import { GATEWAY_GROUP, type Gateway, type ReferenceGrant } from '../apis/gateway-api';
import { namespacedName } from '../apis/meta';
import { type GatewayParameters } from '../apis/parameters';
import { type Resources } from '../store/resources';

export class ResourceIndex {
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice[]>();
  private readonly secrets = new Map<string, Secret>();
  /** `namespace/gateway` → the Services that name that Gateway as their controller (the provisioner's). */
  private readonly gatewayServices = new Map<string, Service[]>();
  readonly referenceGrants: readonly ReferenceGrant[];
  readonly gatewayParameters: readonly GatewayParameters[];

  constructor(resources: Resources) {
    for (const s of resources.services) {
      this.services.set(namespacedName(s.metadata.namespace, s.metadata.name), s);
      const owner = s.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === 'Gateway' && o.apiVersion.startsWith(`${GATEWAY_GROUP}/`));
      if (!owner) continue;
      const key = namespacedName(s.metadata.namespace, owner.name);
      this.gatewayServices.set(key, [...(this.gatewayServices.get(key) ?? []), s]);
    }
    for (const slice of resources.endpointSlices) {
      const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!svc) continue;
      const key = namespacedName(slice.metadata.namespace, svc);
      this.slices.set(key, [...(this.slices.get(key) ?? []), slice]);
    }
    for (const s of resources.secrets) this.secrets.set(namespacedName(s.metadata.namespace, s.metadata.name), s);
    this.referenceGrants = resources.referenceGrants;
    this.gatewayParameters = resources.gatewayParameters;
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.secrets.get(namespacedName(namespace, name));
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespacedName(namespace, name));
  }

  /**
   * The Service generated for a Gateway: in its namespace, naming it (same uid, when both carry
   * one) as controller owner. The first by name if several do.
   */
  gatewayService(gateway: Gateway): Service | undefined {
    const candidates = this.gatewayServices.get(namespacedName(gateway.metadata.namespace, gateway.metadata.name)) ?? [];
    const uid = gateway.metadata.uid;
    const owned = candidates.filter((s) => {
      const ref = s.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === 'Gateway');
      return uid === undefined || ref?.uid === undefined || ref.uid === uid;
    });
    return [...owned].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))[0];
  }

  endpointSlices(namespace: string, serviceName: string): readonly EndpointSlice[] {
    return this.slices.get(namespacedName(namespace, serviceName)) ?? [];
  }
}
