// Original file: protos/grpcecho.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EchoRequest as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, EchoRequest__Output as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/EchoRequest';
import type { EchoResponse as _gateway_api_conformance_echo_basic_grpcecho_EchoResponse, EchoResponse__Output as _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/EchoResponse';

export interface GrpcEchoClient extends grpc.Client {
  Echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  Echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  
  EchoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoThree(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  
  EchoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  EchoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  echoTwo(argument: _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, callback: grpc.requestCallback<_gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GrpcEchoHandlers extends grpc.UntypedServiceImplementation {
  Echo: grpc.handleUnaryCall<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse>;
  
  EchoThree: grpc.handleUnaryCall<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse>;
  
  EchoTwo: grpc.handleUnaryCall<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse>;
  
}

export interface GrpcEchoDefinition extends grpc.ServiceDefinition {
  Echo: MethodDefinition<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse, _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>
  EchoThree: MethodDefinition<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse, _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>
  EchoTwo: MethodDefinition<_gateway_api_conformance_echo_basic_grpcecho_EchoRequest, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse, _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output, _gateway_api_conformance_echo_basic_grpcecho_EchoResponse__Output>
}
