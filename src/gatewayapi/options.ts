import type { AddressPool } from './addresses';

/** What translation needs from the outside world, passed in so the stage stays pure. */
export interface TranslateOptions {
  /** GatewayClasses whose `spec.controllerName` equals this are ours. */
  controllerName: string;
  /** Bind address for Gateways that request none in `spec.addresses`. */
  defaultAddress: string;
  /** When set, Gateways without spec.addresses each get their own address from this pool (see addresses.ts). */
  addressPool?: AddressPool;
  /**
   * Added to Gateway listener ports below 1024, so Envoy can bind them without privileges
   * (a listener on port 80 binds 10080). 0 binds the Gateway port as is.
   */
  privilegedPortShift: number;
  /** lastTransitionTime for conditions (RFC 3339). */
  now: string;
}

export const DEFAULT_CONTROLLER_NAME = 'attache.dev/gateway-controller';

/** The port Envoy binds for a Gateway listener port; also the provisioned Service's targetPort (provisioner/ports.ts). */
export function bindPort(gatewayPort: number, options: Pick<TranslateOptions, 'privilegedPortShift'>): number {
  return gatewayPort < 1024 && options.privilegedPortShift > 0 ? gatewayPort + options.privilegedPortShift : gatewayPort;
}
