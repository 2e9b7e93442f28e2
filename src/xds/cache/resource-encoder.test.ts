import * as path from 'path';
import { parse } from 'yaml';
import { type GatewayIR } from '../../ir/types';
import { goldenCases, readInput } from '../../../test/support/golden';
import { decodeAny, encodeAny } from '../proto';
import { ADS_PUSH_ORDER, TypeUrl } from '../resources';
import { translateGateway } from '../translate/translate';
import { fakeGateway } from '../../../test/support/fake-resources';
import { ResourceEncoder } from './resource-encoder';
import { buildSnapshot } from './snapshot';

const goldens = path.join(__dirname, '../translate/testdata');

describe('ResourceEncoder', () => {
  const encoded = new Set<TypeUrl>();

  // The IR inputs of the xds goldens, each small and about one thing, together hold every type.
  it.each(goldenCases(goldens))('encodes %s to what a plain encode decodes to', (name) => {
    const resources = translateGateway(parse(readInput(goldens, name)) as GatewayIR);
    const encoder = new ResourceEncoder();
    for (const typeUrl of ADS_PUSH_ORDER) {
      for (const { resource } of resources[typeUrl]) {
        expect(decodeAny(encoder.encodeAny(typeUrl, resource))).toEqual(decodeAny(encodeAny(typeUrl, resource)));
        encoded.add(typeUrl);
      }
    }
  });

  it('has encoded every type of resource in those cases', () => {
    expect([...encoded].sort()).toEqual([...ADS_PUSH_ORDER].sort());
  });

  it('gives the same bytes, so the same versions, whether its memo is cold or warm', () => {
    const encoder = new ResourceEncoder();
    const cold = buildSnapshot(fakeGateway(), encoder);
    encoder.beginBuild();
    const warm = buildSnapshot(fakeGateway(), encoder);
    expect(warm.sameContentAs(cold)).toBe(true);
    expect(warm.resource(TypeUrl.RouteConfiguration, 'listener-80-routes')?.any.value).toEqual(
      cold.resource(TypeUrl.RouteConfiguration, 'listener-80-routes')?.any.value,
    );
  });

  it('re-encodes a changed route and keeps only what the last build used', () => {
    const encoder = new ResourceEncoder();
    const a = buildSnapshot(fakeGateway({ routeClusters: ['backend-a'] }), encoder);
    const used = encoder.size();
    encoder.beginBuild();
    const b = buildSnapshot(fakeGateway({ routeClusters: ['backend-b'] }), encoder);
    expect(b.typeVersion(TypeUrl.RouteConfiguration)).not.toBe(a.typeVersion(TypeUrl.RouteConfiguration));
    expect(decodeAny(b.resource(TypeUrl.RouteConfiguration, 'listener-80-routes')!.any)).toEqual(
      decodeAny(buildSnapshot(fakeGateway({ routeClusters: ['backend-b'] })).resource(TypeUrl.RouteConfiguration, 'listener-80-routes')!.any),
    );
    encoder.beginBuild();
    encoder.beginBuild();
    expect(encoder.size()).toBe(0);
    expect(used).toBeGreaterThan(0);
  });
});
