// Original file: protos/grpcecho.proto


export interface Context {
  'namespace'?: (string);
  'ingress'?: (string);
  'service_name'?: (string);
  'pod'?: (string);
}

export interface Context__Output {
  'namespace': (string);
  'ingress': (string);
  'service_name': (string);
  'pod': (string);
}
