import * as path from 'path';
import { stringify } from 'yaml';
import { expectGolden } from '../../test/support/golden';
import { SUPPORTED_FEATURES, supportedFeatures } from './supported-features';

describe('supportedFeatures', () => {
  // Every owned GatewayClass publishes this list; the translate goldens show it only here.
  it('is the list of its golden (testdata/gatewayclass/supported-features.out.yaml)', () => {
    expectGolden(path.join(__dirname, 'testdata/gatewayclass'), 'supported-features', stringify(supportedFeatures()));
  });

  it('is sorted by name, as GatewayClassStatus.supportedFeatures requires, without duplicates', () => {
    const names = supportedFeatures().map((f) => f.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(SUPPORTED_FEATURES.length);
  });

  it('covers the core features of the GATEWAY-GRPC and GATEWAY-HTTP profiles', () => {
    for (const core of ['Gateway', 'ReferenceGrant', 'GRPCRoute', 'HTTPRoute']) expect(SUPPORTED_FEATURES).toContain(core);
  });
});
