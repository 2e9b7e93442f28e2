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
  /**
   * Kubernetes mode with the provisioner (`--provision`): every Gateway has Envoys of its own in
   * their own Pods, so listeners bind the wildcard address (PROVISIONED_BIND_ADDRESS) and
   * status.addresses come from the Gateway's generated Service (addresses.ts), not from
   * `defaultAddress`/`addressPool`. Unset or false: the unmanaged mode, as before.
   */
  provisioned?: boolean;
  /** lastTransitionTime for conditions (RFC 3339). */
  now: string;
}

/**
 * Where provisioned Envoys bind: every IPv4 address of their Pod (the Service sends traffic to the
 * Pod IP). IPv4 rather than `::` with ipv4_compat: it binds in every cluster, including those with
 * IPv6 disabled in the Pod's kernel; IPv6 and dual-stack Gateways are not served yet.
 */
export const PROVISIONED_BIND_ADDRESS = '0.0.0.0';

export const DEFAULT_CONTROLLER_NAME = 'attache.dev/gateway-controller';

/** The port Envoy binds for a Gateway listener port; also the provisioned Service's targetPort (provisioner/ports.ts). */
export function bindPort(gatewayPort: number, options: Pick<TranslateOptions, 'privilegedPortShift'>): number {
  return gatewayPort < 1024 && options.privilegedPortShift > 0 ? gatewayPort + options.privilegedPortShift : gatewayPort;
}
