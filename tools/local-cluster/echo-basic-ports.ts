/**
 * Which ports the upstream echo-basic server listens on, given its environment, and the
 * environment that moves each of them to a host port of our choosing.
 *
 * Why move them: echo-basic listens on the wildcard address (`:3000`, `0.0.0.0:3000`), and
 * every local "Pod" shares one network namespace, so two Pods cannot both have port 3000. Each
 * process gets free host ports instead, and the kubelet forwards `PodIP:port` to them
 * (tcp-forward.ts), so Services and EndpointSlices keep the suite's own port numbers.
 *
 * The defaults are echo-basic's (conformance/echo-basic/echo-basic.go and grpc/grpc.go at
 * v1.6.1): HTTP 3000, h2c 3001 and HTTPS 8443 (HTTPS only with TLS_SERVER_CERT and
 * TLS_SERVER_PRIVKEY); with GRPC_ECHO_SERVER set, gRPC on HTTP_PORT (3000) only, plus HTTPS_PORT
 * with TLS_SERVER_CERT and TLS_SERVER_PRIV_KEY. The TCP and UDP modes (TCP_ECHO_SERVER,
 * UDP_ECHO_SERVER) serve only TCPRoute/UDPRoute/TLSRoute tests, which Attaché does not claim, and
 * need their certificates: `undefined` says "not run here". Pure.
 */

export interface ListenPort {
  /** The variable echo-basic reads the port from. */
  envVar: string;
  /** The port clients dial on the Pod's IP. */
  podPort: number;
}

export function echoBasicPorts(env: Readonly<Record<string, string>>): ListenPort[] | undefined {
  if (env.TCP_ECHO_SERVER || env.UDP_ECHO_SERVER) return undefined;
  const port = (envVar: string, fallback: number): ListenPort => ({ envVar, podPort: Number(env[envVar] || fallback) });
  if (env.GRPC_ECHO_SERVER) {
    const ports = [port('HTTP_PORT', 3000)];
    if (env.TLS_SERVER_CERT && env.TLS_SERVER_PRIV_KEY) ports.push(port('HTTPS_PORT', 8443));
    return ports;
  }
  const ports = [port('HTTP_PORT', 3000), port('H2C_PORT', 3001)];
  if (env.TLS_SERVER_CERT && env.TLS_SERVER_PRIVKEY) ports.push(port('HTTPS_PORT', 8443));
  return ports;
}

/** True for the images of the suite's backends (any tag, either registry it was published to). */
export function isEchoBasicImage(image: string): boolean {
  return /(^|\/)gateway-api\/echo-basic(:|@|$)/.test(image) || /(^|\/)echo-basic(:|@|$)/.test(image);
}
