import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Assertions as _gateway_api_conformance_echo_basic_grpcecho_Assertions, Assertions__Output as _gateway_api_conformance_echo_basic_grpcecho_Assertions__Output } from './gateway_api_conformance/echo_basic/grpcecho/Assertions';
import type { Context as _gateway_api_conformance_echo_basic_grpcecho_Context, Context__Output as _gateway_api_conformance_echo_basic_grpcecho_Context__Output } from './gateway_api_conformance/echo_basic/grpcecho/Context';
import type { EchoRequest as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, EchoRequest__Output as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output } from './gateway_api_conformance/echo_basic/grpcecho/EchoRequest';
import type { EchoResponse as _gateway_api_conformance_echo_basic_grpcecho_EchoResponse, EchoResponse__Output as _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output } from './gateway_api_conformance/echo_basic/grpcecho/EchoResponse';
import type { GrpcEchoClient as _gateway_api_conformance_echo_basic_grpcecho_GrpcEchoClient, GrpcEchoDefinition as _gateway_api_conformance_echo_basic_grpcecho_GrpcEchoDefinition } from './gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { Header as _gateway_api_conformance_echo_basic_grpcecho_Header, Header__Output as _gateway_api_conformance_echo_basic_grpcecho_Header__Output } from './gateway_api_conformance/echo_basic/grpcecho/Header';
import type { TLSAssertions as _gateway_api_conformance_echo_basic_grpcecho_TLSAssertions, TLSAssertions__Output as _gateway_api_conformance_echo_basic_grpcecho_TLSAssertions__Output } from './gateway_api_conformance/echo_basic/grpcecho/TLSAssertions';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gateway_api_conformance: {
    echo_basic: {
      grpcecho: {
        Assertions: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_Assertions, _gateway_api_conformance_echo_basic_grpcecho_Assertions__Output>
        Context: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_Context, _gateway_api_conformance_echo_basic_grpcecho_Context__Output>
        EchoRequest: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest, _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output>
        EchoResponse: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>
        GrpcEcho: SubtypeConstructor<typeof grpc.Client, _gateway_api_conformance_echo_basic_grpcecho_GrpcEchoClient> & { service: _gateway_api_conformance_echo_basic_grpcecho_GrpcEchoDefinition }
        Header: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_Header, _gateway_api_conformance_echo_basic_grpcecho_Header__Output>
        TLSAssertions: MessageTypeDefinition<_gateway_api_conformance_echo_basic_grpcecho_TLSAssertions, _gateway_api_conformance_echo_basic_grpcecho_TLSAssertions__Output>
      }
    }
  }
}

