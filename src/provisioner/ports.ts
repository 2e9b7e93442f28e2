/**
 * The ports of a provisioned Gateway: each distinct listener port once, as the Service's `port`,
 * with the port Envoy binds as its `targetPort` and the container's port. Envoy runs as a
 * non-root user, so, as in translation, a port below 1024 is bound at port + `--port-shift`
 * (80 → 10080); with `--port-shift=0` Envoy binds it as is and the container gets
 * NET_BIND_SERVICE (privilegedBind). gatewayapi's bindPort is the one rule, for the listeners Envoy is sent and here.
 */
import { type Gateway } from '../apis/gateway-api';
import { bindPort } from '../gatewayapi/options';

export interface ProvisionedPort {
  /** A port name (at most 15 characters): the first listener's protocol on that port and the port, e.g. `http-80`. */
  name: string;
  /** The Gateway listener's port: what clients dial on the Service. */
  port: number;
  /** The port Envoy binds: the Service's targetPort and the container port. */
  bindPort: number;
}

export function provisionedPorts(gateway: Gateway, privilegedPortShift: number): ProvisionedPort[] {
  const byPort = new Map<number, ProvisionedPort>();
  for (const l of gateway.spec.listeners) {
    if (byPort.has(l.port)) continue;
    byPort.set(l.port, {
      name: `${
        l.protocol
          .toLowerCase()
          .replace(/[^a-z]/g, '')
          .slice(0, 9) || 'port'
      }-${l.port}`,
      port: l.port,
      bindPort: bindPort(l.port, { privilegedPortShift }),
    });
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/** Whether Envoy must bind a privileged port (only with `--port-shift=0`). */
export function privilegedBind(ports: readonly ProvisionedPort[]): boolean {
  return ports.some((p) => p.bindPort < 1024);
}
