// Original file: protos/grpcecho.proto

import type { Header as _gateway_api_conformance_echo_basic_grpcecho_Header, Header__Output as _gateway_api_conformance_echo_basic_grpcecho_Header__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/Header';
import type { Context as _gateway_api_conformance_echo_basic_grpcecho_Context, Context__Output as _gateway_api_conformance_echo_basic_grpcecho_Context__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/Context';
import type { TLSAssertions as _gateway_api_conformance_echo_basic_grpcecho_TLSAssertions, TLSAssertions__Output as _gateway_api_conformance_echo_basic_grpcecho_TLSAssertions__Output } from '../../../gateway_api_conformance/echo_basic/grpcecho/TLSAssertions';

export interface Assertions {
  'fully_qualified_method'?: (string);
  'headers'?: (_gateway_api_conformance_echo_basic_grpcecho_Header)[];
  'authority'?: (string);
  'context'?: (_gateway_api_conformance_echo_basic_grpcecho_Context | null);
  'tls_assertions'?: (_gateway_api_conformance_echo_basic_grpcecho_TLSAssertions | null);
}

export interface Assertions__Output {
  'fully_qualified_method': (string);
  'headers': (_gateway_api_conformance_echo_basic_grpcecho_Header__Output)[];
  'authority': (string);
  'context': (_gateway_api_conformance_echo_basic_grpcecho_Context__Output | null);
  'tls_assertions': (_gateway_api_conformance_echo_basic_grpcecho_TLSAssertions__Output | null);
}
