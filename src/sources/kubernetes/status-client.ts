/**
 * The status writer's view of the API server (status/kubernetes-writer.ts `StatusApi`): read one
 * object, and replace its status through the `/status` subresource. A PUT carries the object's
 * resourceVersion, so a status computed against an old version fails with 409 Conflict instead
 * of overwriting what another controller wrote meanwhile.
 */
import { KubernetesObject } from '../../apis/meta';
import { KubeApiError, KubeClient } from './kube-client';
import { objectPath, watchedKind } from './kinds';

type WithStatus = KubernetesObject & { status?: Record<string, unknown> };

export class KubernetesStatusClient {
  constructor(private readonly client: KubeClient) {}

  async read(kind: string, namespace: string | undefined, name: string): Promise<WithStatus | undefined> {
    const k = watchedKind(kind);
    try {
      const o = await this.client.request<WithStatus>('GET', objectPath(k, namespace, name));
      return { ...o, apiVersion: k.apiVersion, kind: k.kind };
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async replaceStatus(object: WithStatus): Promise<WithStatus> {
    const k = watchedKind(object.kind);
    const path = `${objectPath(k, object.metadata.namespace, object.metadata.name)}/status`;
    // managedFields would be sent back as given; leaving them out lets the server keep its own.
    const { managedFields: _managed, ...metadata } = object.metadata as KubernetesObject['metadata'] & { managedFields?: unknown };
    return this.client.request<WithStatus>('PUT', path, { body: { ...object, metadata }, query: { fieldManager: 'attache' } });
  }
}
