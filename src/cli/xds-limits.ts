/** `attache serve`'s flags for what one xDS client may cost (xds/server/limits.ts). */
import { DEFAULT_XDS_LIMITS, type XdsLimits } from '../xds/server/limits';
import { flag, type FlagSpec, type ParsedFlags, UsageError } from './flags';

export const XDS_LIMIT_FLAGS: FlagSpec[] = [
  {
    name: 'xds-max-streams-per-client',
    description:
      'ADS streams one client may hold open at once (client: its certificate identity with mTLS, else its IP); more are refused with RESOURCE_EXHAUSTED',
    default: String(DEFAULT_XDS_LIMITS.maxStreamsPerClient),
  },
  {
    name: 'xds-max-node-metadata-bytes',
    description: 'largest node.metadata (bytes of its JSON) a proxy may send; a larger one is refused with INVALID_ARGUMENT',
    default: String(DEFAULT_XDS_LIMITS.maxNodeMetadataBytes),
  },
];

function positive(parsed: ParsedFlags, name: string): number {
  const text = flag(parsed, name) ?? '';
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${name}: expected a whole number above 0, got "${text}"`);
  return Number(text);
}

export function xdsLimits(parsed: ParsedFlags): XdsLimits {
  return { maxStreamsPerClient: positive(parsed, 'xds-max-streams-per-client'), maxNodeMetadataBytes: positive(parsed, 'xds-max-node-metadata-bytes') };
}
