// Original file: protos/vendor/data-plane-api/envoy/extensions/filters/http/grpc_stats/v3/config.proto

import type { GrpcMethodList as _envoy_config_core_v3_GrpcMethodList, GrpcMethodList__Output as _envoy_config_core_v3_GrpcMethodList__Output } from '../../../../../../envoy/config/core/v3/GrpcMethodList';
import type { BoolValue as _google_protobuf_BoolValue, BoolValue__Output as _google_protobuf_BoolValue__Output } from '../../../../../../google/protobuf/BoolValue';

export interface FilterConfig {
  'emit_filter_state'?: (boolean);
  'individual_method_stats_allowlist'?: (_envoy_config_core_v3_GrpcMethodList | null);
  'stats_for_all_methods'?: (_google_protobuf_BoolValue | null);
  'enable_upstream_stats'?: (boolean);
  'replace_dots_in_grpc_service_name'?: (boolean);
  'per_method_stat_specifier'?: "individual_method_stats_allowlist"|"stats_for_all_methods";
}

export interface FilterConfig__Output {
  'emit_filter_state': (boolean);
  'individual_method_stats_allowlist'?: (_envoy_config_core_v3_GrpcMethodList__Output | null);
  'stats_for_all_methods'?: (_google_protobuf_BoolValue__Output | null);
  'enable_upstream_stats': (boolean);
  'replace_dots_in_grpc_service_name': (boolean);
  'per_method_stat_specifier'?: "individual_method_stats_allowlist"|"stats_for_all_methods";
}
