import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { TickRequest as _attache_testing_v1_TickRequest, TickRequest__Output as _attache_testing_v1_TickRequest__Output } from './attache/testing/v1/TickRequest';
import type { TickResponse as _attache_testing_v1_TickResponse, TickResponse__Output as _attache_testing_v1_TickResponse__Output } from './attache/testing/v1/TickResponse';
import type { TickerClient as _attache_testing_v1_TickerClient, TickerDefinition as _attache_testing_v1_TickerDefinition } from './attache/testing/v1/Ticker';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  attache: {
    testing: {
      v1: {
        TickRequest: MessageTypeDefinition<_attache_testing_v1_TickRequest, _attache_testing_v1_TickRequest__Output>
        TickResponse: MessageTypeDefinition<_attache_testing_v1_TickResponse, _attache_testing_v1_TickResponse__Output>
        Ticker: SubtypeConstructor<typeof grpc.Client, _attache_testing_v1_TickerClient> & { service: _attache_testing_v1_TickerDefinition }
      }
    }
  }
}

