/**
 * Incremental (Delta) ADS (`DeltaAggregatedResources`): the rules of xds-protocol.md §1.7 that
 * are specific to Delta.
 *
 * Per request, in order:
 *  1. the first request's node identifies the stream;
 *  2. a `response_nonce` settles the response it answers (NACK iff `error_detail`); nonces are
 *     never used to drop a request — "the server must honor changes to the subscription state
 *     even if the nonce is stale" (xds_protocol "Incremental xDS");
 *  3. subscribe/unsubscribe deltas apply, and on the first request of a type
 *     `initial_resource_versions` records what a reconnecting client already holds;
 *  4. the response carries changed or newly subscribed resources plus `removed_resources`, and
 *     is skipped when there is neither. A NACK needs no special case: the rejected versions are
 *     recorded as held, so nothing is resent until the content changes.
 */
import type * as grpc from '@grpc/grpc-js';
import type { DeltaDiscoveryRequest__Output } from '../../generated/envoy/service/discovery/v3/DeltaDiscoveryRequest';
import type { DeltaDiscoveryResponse } from '../../generated/envoy/service/discovery/v3/DeltaDiscoveryResponse';
import type { Snapshot } from '../cache/snapshot';
import type { TypeUrl } from '../resources';
import { XdsStream } from './stream';
import type { StreamContext } from './stream-context';
import type { ResponsePlan, TypeSubscription } from './subscription';
import { normalizeDeltaRequest } from './wire';

export class DeltaStream extends XdsStream<DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse> {
  constructor(ctx: StreamContext, call: grpc.ServerDuplexStream<DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse>) {
    super(ctx, 'delta', call);
  }

  protected handleRequest(raw: DeltaDiscoveryRequest__Output): void {
    const request = normalizeDeltaRequest(raw);
    if (!this.identify(request.node)) return;
    const found = this.subscriptionFor(request.type_url);
    if (!found) return;
    const { sub, created } = found;
    if (request.response_nonce !== '') this.settle(sub, request.response_nonce, request.error_detail);
    sub.updateDelta(
      request.resource_names_subscribe,
      request.resource_names_unsubscribe,
      // Only the first request of a type may carry them (discovery.proto).
      created ? request.initial_resource_versions : undefined,
    );
    this.advance();
  }

  protected plan(sub: TypeSubscription, snapshot: Snapshot, retainRemoved: boolean): ResponsePlan | undefined {
    return sub.planDelta(snapshot, retainRemoved);
  }

  protected encode(typeUrl: TypeUrl, plan: ResponsePlan, nonce: string, version: string): DeltaDiscoveryResponse {
    return {
      // Debug only for the client; resources carry their own versions.
      system_version_info: version,
      type_url: typeUrl,
      nonce,
      resources: plan.resources.map((r) => ({ name: r.name, version: r.version, resource: r.any })),
      removed_resources: plan.removed,
    };
  }
}
