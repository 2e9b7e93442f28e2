import { echoBasicPorts, isEchoBasicImage } from './echo-basic-ports';

describe('echoBasicPorts', () => {
  it('HTTP and h2c by default, HTTPS only with a certificate and key', () => {
    expect(echoBasicPorts({})).toEqual([
      { envVar: 'HTTP_PORT', podPort: 3000 },
      { envVar: 'H2C_PORT', podPort: 3001 },
    ]);
    expect(echoBasicPorts({ TLS_SERVER_CERT: '/c', TLS_SERVER_PRIVKEY: '/k' })?.map((p) => p.podPort)).toEqual([3000, 3001, 8443]);
  });

  it('gRPC mode serves one port, moved by HTTP_PORT', () => {
    expect(echoBasicPorts({ GRPC_ECHO_SERVER: '1' })).toEqual([{ envVar: 'HTTP_PORT', podPort: 3000 }]);
    expect(echoBasicPorts({ GRPC_ECHO_SERVER: '1', HTTP_PORT: '9000' })).toEqual([{ envVar: 'HTTP_PORT', podPort: 9000 }]);
  });

  it('does not run the TCP and UDP modes', () => {
    expect(echoBasicPorts({ TCP_ECHO_SERVER: '1' })).toBeUndefined();
    expect(echoBasicPorts({ UDP_ECHO_SERVER: '1' })).toBeUndefined();
  });
});

describe('isEchoBasicImage', () => {
  it('knows the suite images and nothing else', () => {
    expect(isEchoBasicImage('registry.k8s.io/gateway-api/echo-basic:v1.5.1')).toBe(true);
    expect(isEchoBasicImage('gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd')).toBe(true);
    expect(isEchoBasicImage('registry.k8s.io/coredns/coredns:v1.11.1')).toBe(false);
    expect(isEchoBasicImage('registry.k8s.io/gateway-api/echo-advanced:v1')).toBe(false);
  });
});
