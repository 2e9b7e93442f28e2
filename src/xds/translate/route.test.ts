import { fractionalPercent, GRPC_OR_GRPC_WEB_CONTENT_TYPE } from './route';

describe('fractionalPercent', () => {
  it.each([
    [50, { numerator: 50, denominator: 'HUNDRED' }],
    [12.5, { numerator: 1250, denominator: 'TEN_THOUSAND' }],
    [0.01, { numerator: 1, denominator: 'TEN_THOUSAND' }],
    [33.3333, { numerator: 333333, denominator: 'MILLION' }],
    [0.0001, { numerator: 1, denominator: 'MILLION' }],
    [14.28571428, { numerator: 142857, denominator: 'MILLION' }],
  ])('%s %% → %j', (percent, want) => {
    expect(fractionalPercent(percent)).toEqual(want);
  });
});

describe('GRPC_OR_GRPC_WEB_CONTENT_TYPE', () => {
  // Envoy's safe_regex header match is a full match; JS needs the anchors spelled out.
  const fullMatch = new RegExp(`^(?:${GRPC_OR_GRPC_WEB_CONTENT_TYPE})$`);
  it.each([
    'application/grpc',
    'application/grpc+proto',
    'application/grpc+json',
    'application/grpc-web',
    'application/grpc-web+proto',
    'application/grpc-web-text',
    'application/grpc-web-text+proto',
  ])('matches %s (gRPC, or gRPC-Web the grpc_web filter translates)', (contentType) => expect(fullMatch.test(contentType)).toBe(true));
  it.each(['application/grpcx', 'application/grpc-web+json', 'application/grpc-webx', 'application/json', 'text/plain'])('does not match %s', (contentType) => {
    expect(fullMatch.test(contentType)).toBe(false);
  });
});
