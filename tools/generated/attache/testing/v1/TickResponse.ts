// Original file: protos/attache/testing/v1/ticker.proto


export interface TickResponse {
  'seq'?: (number);
  'pod'?: (string);
}

export interface TickResponse__Output {
  'seq': (number);
  'pod': (string);
}
