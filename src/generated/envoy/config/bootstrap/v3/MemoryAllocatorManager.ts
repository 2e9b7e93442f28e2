// Original file: protos/vendor/data-plane-api/envoy/config/bootstrap/v3/bootstrap.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

export interface MemoryAllocatorManager {
  'bytes_to_release'?: (number | string | Long);
  'memory_release_interval'?: (_google_protobuf_Duration | null);
}

export interface MemoryAllocatorManager__Output {
  'bytes_to_release': (string);
  'memory_release_interval': (_google_protobuf_Duration__Output | null);
}
