// Original file: protos/grpcecho.proto

import type { Assertions as _gateway_api_conformance_echo_basic_grpcecho_Assertions, Assertions__Output as _gateway_api_conformance_echo_basic_grpcecho_Assertions__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/Assertions';
import type { EchoRequest as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest, EchoRequest__Output as _gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/EchoRequest';

export interface EchoResponse {
  'assertions'?: (_gateway_api_conformance_echo_basic_grpcecho_Assertions | null);
  'request'?: (_gateway_api_conformance_echo_basic_grpcecho_EchoRequest | null);
}

export interface EchoResponse__Output {
  'assertions': (_gateway_api_conformance_echo_basic_grpcecho_Assertions__Output | null);
  'request': (_gateway_api_conformance_echo_basic_grpcecho_EchoRequest__Output | null);
}
