/**
 * Golden tests for IR → Envoy: testdata/<case>.in.yaml holds one GatewayIR, written for the case
 * (only what it is about); <case>.out.yaml holds the listeners, routes, clusters, endpoints and
 * secrets exactly as encoded for Envoy (decoded back from the bytes, so a field the encoder
 * dropped shows up missing), but for the fixed fields of FIXED_FIELDS: those are shown by the
 * `baseline` case and left out of the others where they equal the baseline's, so a change to
 * them shows once (see test/support/golden.ts). The gatewayapi and xds stages together, nothing
 * left out, are the golden of `attache translate -f examples` (src/cli/testdata/translate).
 */
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { type GatewayIR } from '../../ir/types';
import { expectGolden, goldenCases, leaveOutWhereEqual, objectsAt, readInput } from '../../../test/support/golden';
import { anyToEnvoyJson } from '../envoy-json';
import { encodeAny } from '../proto';
import { SHORT_NAME, TypeUrl } from '../resources';
import { translateGateway } from './translate';

const dir = path.join(__dirname, 'testdata');

type Section = 'listeners' | 'routes' | 'clusters' | 'endpoints' | 'secrets';
type Output = Record<Section, unknown[]>;

const SECTIONS: Array<[Section, TypeUrl]> = [
  ['listeners', TypeUrl.Listener],
  ['routes', TypeUrl.RouteConfiguration],
  ['clusters', TypeUrl.Cluster],
  ['endpoints', TypeUrl.ClusterLoadAssignment],
  ['secrets', TypeUrl.Secret],
];

const BASELINE = 'baseline';

/**
 * Fields every resource of a type gets the same, whatever the case: `keys` of the objects at
 * `at` (`*`: each element of an array) in each resource of `section`.
 */
const FIXED_FIELDS: Array<{ section: Section; at: string[]; keys: string[] }> = [
  // The HTTP connection manager of every filter chain.
  { section: 'listeners', at: ['filter_chains', '*', 'filters', '*', 'typed_config'], keys: ['codec_type', 'stream_idle_timeout', 'upgrade_configs'] },
  { section: 'listeners', at: ['filter_chains', '*', 'filters', '*', 'typed_config', 'rds'], keys: ['config_source'] },
  // The router's config (the baseline's only HTTP filter); the gRPC filters' differ, so they show.
  { section: 'listeners', at: ['filter_chains', '*', 'filters', '*', 'typed_config', 'http_filters', '*'], keys: ['typed_config'] },
  { section: 'routes', at: [], keys: ['ignore_port_in_host_matching'] },
  { section: 'clusters', at: [], keys: ['type', 'connect_timeout', 'lb_policy'] },
  { section: 'clusters', at: ['eds_cluster_config'], keys: ['eds_config'] },
  { section: 'endpoints', at: ['endpoints', '*'], keys: ['locality', 'load_balancing_weight'] },
];

const LEFT_OUT = `# The fixed fields equal to those of ${BASELINE}.out.yaml are left out (FIXED_FIELDS in translate.test.ts).\n`;

/** The Envoy resources of one case, as encoded on the wire and decoded back. */
function envoyOutput(name: string): Output {
  const resources = translateGateway(parse(readInput(dir, name)) as GatewayIR);
  const out = {} as Output;
  for (const [section, typeUrl] of SECTIONS) {
    out[section] = resources[typeUrl].map((r) => anyToEnvoyJson(encodeAny(typeUrl, r.resource)));
  }
  return out;
}

/** Each fixed field's value in the baseline output: its first occurrence. */
function fixedValues(baseline: Output): Array<{ section: Section; at: string[]; key: string; value: unknown }> {
  return FIXED_FIELDS.flatMap(({ section, at, keys }) =>
    keys.map((key) => {
      const holder = objectsAt(baseline[section], ['*', ...at]).find((o) => key in o);
      if (!holder) throw new Error(`${BASELINE}.in.yaml must produce ${section} ${[...at, key].join('.')}`);
      return { section, at, key, value: holder[key] };
    }),
  );
}

const stringifyOutput = (out: Output): string => stringify(out, { lineWidth: 0, aliasDuplicateObjects: false });

describe('xds.translate goldens', () => {
  const baseline = envoyOutput(BASELINE);
  const fixed = fixedValues(baseline);

  it(`${BASELINE} (every field)`, () => {
    expectGolden(
      dir,
      BASELINE,
      `# Every field; the other cases leave out the fixed fields (FIXED_FIELDS in translate.test.ts) equal to these.\n${stringifyOutput(baseline)}`,
    );
  });

  it.each(goldenCases(dir).filter((name) => name !== BASELINE))('%s', (name) => {
    const out = envoyOutput(name);
    for (const { section, at, key, value } of fixed) leaveOutWhereEqual(objectsAt(out[section], ['*', ...at]), key, value);
    expectGolden(dir, name, LEFT_OUT + stringifyOutput(out));
  });

  it('names every type it emits', () => {
    expect(Object.keys(SHORT_NAME)).toHaveLength(SECTIONS.length);
  });
});
