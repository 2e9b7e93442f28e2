/**
 * A snapshot as Envoy-style JSON, per type, decoded from the bytes served: what `/config_dump`
 * on the debug endpoint and `attache translate` print. Private keys are redacted, as Envoy's own
 * /config_dump does.
 */
import { type Snapshot } from '../xds/cache/snapshot';
import { anyToEnvoyJson } from '../xds/envoy-json';
import { ADS_PUSH_ORDER, SHORT_NAME, TypeUrl } from '../xds/resources';

export type ConfigDump = Record<string, Array<Record<string, unknown>>>;

export function configDump(snapshot: Snapshot | undefined, types: readonly TypeUrl[] = ADS_PUSH_ORDER): ConfigDump {
  const out: ConfigDump = {};
  for (const typeUrl of types) {
    const json = snapshot ? [...snapshot.resources(typeUrl).values()].map((r) => anyToEnvoyJson(r.any)) : [];
    out[SHORT_NAME[typeUrl]] = typeUrl === TypeUrl.Secret ? json.map(redactPrivateKey) : json;
  }
  return out;
}

function redactPrivateKey(secret: Record<string, unknown>): Record<string, unknown> {
  const cert = secret.tls_certificate;
  if (typeof cert !== 'object' || cert === null || !('private_key' in cert)) return secret;
  return { ...secret, tls_certificate: { ...cert, private_key: { inline_string: '[redacted]' } } };
}
