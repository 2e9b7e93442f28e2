/**
 * A raw ADS client for e2e tests that play a hostile or broken proxy against a running control
 * plane: it speaks SotW ADS with whatever node it claims, and ACKs or NACKs responses as the
 * test decides — what a rogue process holding the xDS address (or a client certificate) can do.
 * Built on the same package definition as the server, so it sends exactly what Envoy would.
 */
import * as grpc from '@grpc/grpc-js';
import type { ProtoGrpcType } from '../../src/generated/ads';
import type { DiscoveryRequest } from '../../src/generated/envoy/service/discovery/v3/DiscoveryRequest';
import type { DiscoveryResponse__Output } from '../../src/generated/envoy/service/discovery/v3/DiscoveryResponse';
import { adsPackageDefinition } from '../../src/xds/proto';
import { AdsTestStream, nextResponse } from '../support/fake-ads-client';

export const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';

export class RogueAdsClient {
  private readonly client: grpc.Client & { StreamAggregatedResources(): grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse__Output> };
  readonly stream: AdsTestStream<DiscoveryRequest, DiscoveryResponse__Output>;

  constructor(
    address: string,
    private readonly node: { id: string; cluster: string },
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {
    const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
    const Client = loaded.envoy.service.discovery.v3.AggregatedDiscoveryService;
    this.client = new Client(address, credentials);
    this.stream = new AdsTestStream(this.client.StreamAggregatedResources());
  }

  /** Subscribes to a type (every resource when `names` is empty) and returns the first response. */
  async subscribe(typeUrl: string, names: string[] = [], timeoutMs = 5000): Promise<DiscoveryResponse__Output> {
    this.stream.send({ node: this.node, type_url: typeUrl, resource_names: names });
    return nextResponse(this.stream, timeoutMs);
  }

  ack(response: DiscoveryResponse__Output, names: string[] = []): void {
    this.stream.send({ type_url: response.type_url, version_info: response.version_info, response_nonce: response.nonce, resource_names: names });
  }

  /** Rejects `response` with `message`, claiming to still run `runningVersion` ('' : nothing). */
  nack(response: DiscoveryResponse__Output, message: string, names: string[] = [], runningVersion = ''): void {
    this.stream.send({
      type_url: response.type_url,
      version_info: runningVersion,
      response_nonce: response.nonce,
      resource_names: names,
      error_detail: { code: grpc.status.INVALID_ARGUMENT, message },
    });
  }

  close(): void {
    this.stream.close();
    this.client.close();
  }
}
