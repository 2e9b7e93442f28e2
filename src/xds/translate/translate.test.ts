/**
 * Golden tests for IR → Envoy: testdata/<case>.in.yaml holds one GatewayIR; <case>.out.yaml
 * holds the listeners, routes, clusters, endpoints and secrets exactly as encoded for Envoy
 * (decoded back from the bytes, so a field the encoder dropped shows up missing).
 */
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { GatewayIR } from '../../ir/types';
import { expectGolden, goldenCases, readInput } from '../../../test/support/golden';
import { anyToEnvoyJson } from '../envoy-json';
import { encodeAny } from '../proto';
import { SHORT_NAME, TypeUrl } from '../resources';
import { translateGateway } from './translate';

const dir = path.join(__dirname, 'testdata');

const SECTIONS: Array<[string, TypeUrl]> = [
  ['listeners', TypeUrl.Listener],
  ['routes', TypeUrl.RouteConfiguration],
  ['clusters', TypeUrl.Cluster],
  ['endpoints', TypeUrl.ClusterLoadAssignment],
  ['secrets', TypeUrl.Secret],
];

describe('xds.translate goldens', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const ir = parse(readInput(dir, name)) as GatewayIR;
    const resources = translateGateway(ir);
    const out: Record<string, unknown> = {};
    for (const [section, typeUrl] of SECTIONS) {
      out[section] = resources[typeUrl].map((r) => anyToEnvoyJson(encodeAny(typeUrl, r.resource)));
    }
    expectGolden(dir, name, stringify(out, { lineWidth: 0, aliasDuplicateObjects: false }));
  });

  it('names every type it emits', () => {
    expect(Object.keys(SHORT_NAME)).toHaveLength(SECTIONS.length);
  });
});
