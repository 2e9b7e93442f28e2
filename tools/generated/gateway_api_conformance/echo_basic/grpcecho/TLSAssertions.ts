// Original file: protos/grpcecho.proto


export interface TLSAssertions {
  'version'?: (string);
  'negotiated_protocol'?: (string);
  'server_name'?: (string);
  'cipher_suite'?: (string);
  'peer_certificates'?: (string)[];
}

export interface TLSAssertions__Output {
  'version': (string);
  'negotiated_protocol': (string);
  'server_name': (string);
  'cipher_suite': (string);
  'peer_certificates': (string)[];
}
