// Original file: protos/grpcecho.proto


export interface EchoRequest {
}

export interface EchoRequest__Output {
}
