// Original file: protos/attache/testing/v1/ticker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { TickRequest as _attache_testing_v1_TickRequest, TickRequest__Output as _attache_testing_v1_TickRequest__Output } from '../../../attache/testing/v1/TickRequest';
import type { TickResponse as _attache_testing_v1_TickResponse, TickResponse__Output as _attache_testing_v1_TickResponse__Output } from '../../../attache/testing/v1/TickResponse';

export interface TickerClient extends grpc.Client {
  Tick(argument: _attache_testing_v1_TickRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_attache_testing_v1_TickResponse__Output>;
  Tick(argument: _attache_testing_v1_TickRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_attache_testing_v1_TickResponse__Output>;
  tick(argument: _attache_testing_v1_TickRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_attache_testing_v1_TickResponse__Output>;
  tick(argument: _attache_testing_v1_TickRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_attache_testing_v1_TickResponse__Output>;
  
}

export interface TickerHandlers extends grpc.UntypedServiceImplementation {
  Tick: grpc.handleServerStreamingCall<_attache_testing_v1_TickRequest__Output, _attache_testing_v1_TickResponse>;
  
}

export interface TickerDefinition extends grpc.ServiceDefinition {
  Tick: MethodDefinition<_attache_testing_v1_TickRequest, _attache_testing_v1_TickResponse, _attache_testing_v1_TickRequest__Output, _attache_testing_v1_TickResponse__Output>
}
