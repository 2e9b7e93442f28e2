import * as path from 'path';
import { stringify } from 'yaml';
import type { GatewayClass } from '../apis/gateway-api';
import { expectGolden } from '../../test/support/golden';
import { gatewayClassStatus } from './gateway-class';
import { DEFAULT_CONTROLLER_NAME } from './options';
import { PROVISIONED_FEATURES, SUPPORTED_FEATURES, supportedFeatures } from './supported-features';

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

  it('adds GatewayInfrastructurePropagation only when Attaché provisions the Envoys (nothing else carries spec.infrastructure)', () => {
    const unmanaged = supportedFeatures().map((f) => f.name);
    const provisioned = supportedFeatures(true).map((f) => f.name);
    expect(unmanaged).not.toContain('GatewayInfrastructurePropagation');
    expect(provisioned).toContain('GatewayInfrastructurePropagation');
    expect(provisioned).toEqual([...provisioned].sort());
    expect(provisioned.filter((n) => !unmanaged.includes(n))).toEqual([...PROVISIONED_FEATURES]);
  });

  it('is what an owned GatewayClass publishes, by the provisioner flag', () => {
    const gc: GatewayClass = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache', generation: 1 },
      spec: { controllerName: DEFAULT_CONTROLLER_NAME },
    };
    const options = { controllerName: DEFAULT_CONTROLLER_NAME, defaultAddress: '127.0.0.1', privilegedPortShift: 0, now: '1970-01-01T00:00:00Z' };
    expect(gatewayClassStatus(gc, options).status.supportedFeatures).toEqual(supportedFeatures());
    expect(gatewayClassStatus(gc, { ...options, provisioned: true }).status.supportedFeatures).toEqual(supportedFeatures(true));
  });

  it('covers the core features of the GATEWAY-GRPC and GATEWAY-HTTP profiles', () => {
    for (const core of ['Gateway', 'ReferenceGrant', 'GRPCRoute', 'HTTPRoute']) expect(SUPPORTED_FEATURES).toContain(core);
  });
});
