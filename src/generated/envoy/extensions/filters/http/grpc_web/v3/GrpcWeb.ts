// Original file: protos/vendor/data-plane-api/envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto


export interface GrpcWeb {
}

export interface GrpcWeb__Output {
}
