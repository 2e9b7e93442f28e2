/** Adapts the running control plane to what the debug endpoint shows. */
import { DebugState } from '../debug/server';
import { formatSourceError, SourceError } from '../sources/file/parse';
import { Reconciler } from '../pipeline/reconciler';
import { anyToEnvoyJson } from '../xds/envoy-json';
import { ADS_PUSH_ORDER, SHORT_NAME, TypeUrl } from '../xds/resources';
import type { XdsServer } from '../xds/server/ads';

export function debugState(reconciler: Reconciler, errors: () => SourceError[], xds: XdsServer): DebugState {
  return {
    ready: () => reconciler.ready(),
    status: () => reconciler.status(),
    errors: () => errors().map(formatSourceError),
    proxies: () => xds.connections(),
    configDump: (gateway) => {
      const keys = gateway ? [gateway] : reconciler.gatewayKeys();
      return keys.map((key) => {
        const snapshot = reconciler.snapshot(key);
        const resources: Record<string, unknown[]> = {};
        for (const typeUrl of ADS_PUSH_ORDER) {
          const json = snapshot ? [...snapshot.resources(typeUrl).values()].map((r) => anyToEnvoyJson(r.any)) : [];
          resources[SHORT_NAME[typeUrl]] = typeUrl === TypeUrl.Secret ? json.map(redactPrivateKey) : json;
        }
        return { gateway: key, resources };
      });
    },
  };
}

/** Private keys never leave through the debug endpoint; Envoy's own /config_dump redacts them too. */
function redactPrivateKey(secret: Record<string, unknown>): Record<string, unknown> {
  const cert = secret.tls_certificate;
  if (typeof cert !== 'object' || cert === null || !('private_key' in cert)) return secret;
  return { ...secret, tls_certificate: { ...cert, private_key: { inline_string: '[redacted]' } } };
}
