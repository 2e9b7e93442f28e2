/**
 * The pure middle of the pipeline, composed: store contents → (gatewayapi) IR + status →
 * (xds/translate) Envoy resources per Gateway key. No I/O; the serve loop and `attache translate`
 * both call it, so what the CLI prints is what proxies get.
 */
import { translate } from '../gatewayapi/translate';
import { TranslateOptions } from '../gatewayapi/options';
import { StatusEntry } from '../gatewayapi/status';
import { GatewayIR } from '../ir/types';
import { Resources } from '../store/resources';
import { EnvoyResources, translateGateway } from '../xds/translate/translate';

export interface PipelineResult {
  /** Envoy resources for the proxies of each Gateway, keyed `namespace/name` (node.cluster). */
  resources: Map<string, EnvoyResources>;
  ir: GatewayIR[];
  status: StatusEntry[];
}

export function translateAll(resources: Resources, options: TranslateOptions, bundleVersion?: string): PipelineResult {
  const { gateways, status } = translate(resources, options, bundleVersion);
  const out = new Map<string, EnvoyResources>();
  for (const ir of gateways) out.set(ir.key, translateGateway(ir));
  return { resources: out, ir: gateways, status };
}
