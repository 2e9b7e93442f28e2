// Original file: protos/attache/testing/v1/ticker.proto


export interface TickRequest {
  'count'?: (number);
  'interval_ms'?: (number);
}

export interface TickRequest__Output {
  'count': (number);
  'interval_ms': (number);
}
