/**
 * State-of-the-World ADS (`StreamAggregatedResources`): the rules of xds-protocol.md §1.4–1.7
 * that are specific to SotW.
 *
 * Per request, in order:
 *  1. the first request's node identifies the stream;
 *  2. a request whose `response_nonce` is not the last nonce sent for its type is stale and
 *     ignored entirely (xds_protocol "Resource updates"; safe because the client's next request
 *     repeats the full `resource_names`);
 *  3. the response it answers is settled — NACK if `error_detail` is present, else ACK;
 *  4. `resource_names` replaces the subscription (legacy wildcard rule in subscription.ts);
 *  5. the stream advances (stream.ts): only what the client lacks is sent, so a plain ACK gets
 *     no response, a request that adds names does, and a NACK never gets the rejected content
 *     again (it counts as held). Without a snapshot, requests wait.
 */
import type * as grpc from '@grpc/grpc-js';
import type { DiscoveryRequest__Output } from '../../generated/envoy/service/discovery/v3/DiscoveryRequest';
import type { DiscoveryResponse } from '../../generated/envoy/service/discovery/v3/DiscoveryResponse';
import type { Snapshot } from '../cache/snapshot';
import { SHORT_NAME, type TypeUrl } from '../resources';
import { XdsStream } from './stream';
import type { StreamContext } from './stream-context';
import type { ResponsePlan, TypeSubscription } from './subscription';
import { normalizeDiscoveryRequest } from './wire';

export class SotwStream extends XdsStream<DiscoveryRequest__Output, DiscoveryResponse> {
  constructor(ctx: StreamContext, call: grpc.ServerDuplexStream<DiscoveryRequest__Output, DiscoveryResponse>) {
    super(ctx, 'sotw', call);
  }

  protected handleRequest(raw: DiscoveryRequest__Output): void {
    const request = normalizeDiscoveryRequest(raw);
    if (!this.identify(request.node)) return;
    const found = this.subscriptionFor(request.type_url);
    if (!found) return;
    const { sub, created } = found;
    const nonce = request.response_nonce;
    if (this.isStale(sub, nonce)) {
      this.log.debug({ type: SHORT_NAME[sub.typeUrl], nonce, current: sub.lastNonce }, 'stale nonce; request ignored');
      return;
    }
    if (created) sub.startSotw(request.version_info);
    if (nonce !== '') this.settle(sub, nonce, request.error_detail, request.version_info);
    sub.updateSotw(request.resource_names);
    this.advance();
  }

  /**
   * Stale = answers a response older than the last one we sent for this type. An empty nonce
   * (a first or spontaneous request) and any nonce before our first response are never stale.
   */
  private isStale(sub: TypeSubscription, nonce: string): boolean {
    return nonce !== '' && sub.lastNonce !== '' && nonce !== sub.lastNonce;
  }

  protected plan(sub: TypeSubscription, snapshot: Snapshot, retainRemoved: boolean): ResponsePlan | undefined {
    if (sub.adoptIfCurrent(snapshot, this.versionOf(snapshot, sub.typeUrl))) {
      this.log.debug({ type: SHORT_NAME[sub.typeUrl] }, 'reconnected client already runs the current version; nothing sent');
      return undefined;
    }
    return sub.planSotw(snapshot, retainRemoved);
  }

  protected encode(typeUrl: TypeUrl, plan: ResponsePlan, nonce: string, version: string): DiscoveryResponse {
    return { version_info: version, type_url: typeUrl, nonce, resources: plan.resources.map((r) => r.any) };
  }
}
