/**
 * Core kinds against the apiserver's OpenAPI schemas (crds/kubernetes) and the checks it makes
 * past them. The EndpointSlice reproducers in testdata/ passed `validate` before, and Envoy then
 * rejected the update.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../file/parse';
import { loadCrdSchemas } from './crd-schemas';
import { validateObject } from './validate';

const schemas = loadCrdSchemas();
const dir = path.join(__dirname, 'testdata');

const slice = (over: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 's', namespace: 'default', labels: { 'kubernetes.io/service-name': 'echo' } },
  addressType: 'IPv4',
  ports: [{ name: 'grpc', port: 3000 }],
  endpoints: [{ addresses: ['127.0.0.1'] }],
  ...over,
});

function errorsOf(obj: unknown): string[] {
  const r = validateObject(obj, schemas);
  return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
}

describe('EndpointSlice', () => {
  it.each([
    ['endpointslice-es-badaddr.yaml', 'endpoints[1].addresses[0]: Invalid value: "not-an-ip": must be a valid IPv4 address'],
    ['endpointslice-es-bracket.yaml', 'endpoints[1].addresses[0]: Invalid value: "[::1]": must be a valid IPv4 address'],
    ['endpointslice-es-empty.yaml', 'endpoints[1].addresses[0]: Invalid value: "": must be a valid IPv4 address'],
    ['endpointslice-es-space.yaml', 'endpoints[1].addresses[0]: Invalid value: " 127.0.10.2": must be a valid IPv4 address'],
    ['endpointslice-es-port0.yaml', 'ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ['endpointslice-es-portneg.yaml', 'ports[0].port: Invalid value: -1: must be between 1 and 65535, inclusive'],
    ['endpointslice-es-port70000.yaml', 'ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ])('%s is left out with an error naming file, object and field', (file, expected) => {
    const parsed = parseManifests(file, fs.readFileSync(path.join(dir, file), 'utf8'), schemas);
    expect(parsed.objects).toEqual([]);
    expect(parsed.errors).toEqual([
      { file, document: 1, object: 'EndpointSlice default/echo-x', field: expected.split(': ')[0], message: expected.split(': ').slice(1).join(': ') },
    ]);
  });

  it('keeps the valid objects of the same file', () => {
    const text = `${fs.readFileSync(path.join(dir, 'endpointslice-es-port0.yaml'), 'utf8')}\n---\n${JSON.stringify(slice({}))}\n`;
    const parsed = parseManifests('f.yaml', text, schemas);
    expect(parsed.objects.map((o) => o.metadata.name)).toEqual(['s']);
    expect(parsed.errors).toHaveLength(1);
  });

  it('accepts IPv4, IPv6 and FQDN slices, unset ports and an empty port name', () => {
    expect(errorsOf(slice({}))).toEqual([]);
    expect(errorsOf(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['::1'] }, { addresses: ['fd00::a:1'] }] }))).toEqual([]);
    expect(errorsOf(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['echo.example.com'] }] }))).toEqual([]);
    expect(errorsOf(slice({ ports: [{}], endpoints: [] }))).toEqual([]);
    expect(errorsOf(slice({ ports: [{ port: 65535, protocol: 'TCP' }], endpoints: undefined }))).toEqual([]);
  });

  it('refuses addresses of the wrong type or not in canonical form', () => {
    expect(errorsOf(slice({ endpoints: [{ addresses: ['::1'] }, { addresses: ['127.000.0.1'] }, { addresses: ['127.0.0.1/32'] }] }))).toEqual([
      'endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
      'endpoints[1].addresses[0]: Invalid value: "127.000.0.1": must be a valid IPv4 address',
      'endpoints[2].addresses[0]: Invalid value: "127.0.0.1/32": must be a valid IPv4 address',
    ]);
    expect(
      errorsOf(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['127.0.0.1'] }, { addresses: ['fe80::1%eth0'] }, { addresses: ['::ffff:127.0.0.1'] }] })),
    ).toEqual([
      'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": must be a valid IPv6 address',
      'endpoints[1].addresses[0]: Invalid value: "fe80::1%eth0": must be a valid IPv6 address',
      'endpoints[2].addresses[0]: Invalid value: "::ffff:127.0.0.1": must be a valid IPv6 address, not an IPv4-mapped one',
    ]);
    expect(errorsOf(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['Echo_1'] }] }))).toEqual([
      'endpoints[0].addresses[0]: Invalid value: "Echo_1": must be a lowercase RFC 1123 subdomain',
    ]);
  });

  it('checks the schema: types, required fields, addressType', () => {
    expect(errorsOf(slice({ addressType: undefined }))).toEqual(['addressType: Required value']);
    expect(errorsOf(slice({ addressType: 'IPv5' }))).toEqual(['addressType: Unsupported value: must be one of "IPv4", "IPv6", "FQDN"']);
    expect(errorsOf(slice({ endpoints: [{ addresses: [1] }, {}], ports: [{ port: '80' }] }))).toEqual([
      'endpoints[0].addresses[0]: must be string',
      'endpoints[1].addresses: Required value',
      'ports[0].port: must be integer',
    ]);
    expect(errorsOf(slice({ apiVersion: 'discovery.k8s.io/v1beta1' }))).toEqual([
      'apiVersion: discovery.k8s.io/v1beta1 does not serve kind EndpointSlice (want discovery.k8s.io/v1)',
    ]);
  });

  it('refuses empty, duplicate or invalid port names, unknown protocols and too many items', () => {
    expect(
      errorsOf(
        slice({
          endpoints: [{ addresses: [] }],
          ports: [
            { name: 'a', port: 1 },
            { name: 'a', port: 2 },
            { name: 'B', port: 3 },
            { name: 'c', protocol: 'HTTP' },
          ],
        }),
      ),
    ).toEqual([
      'endpoints[0].addresses: Required value: must contain at least 1 address',
      'ports[1].name: Duplicate value: "a"',
      'ports[2].name: Invalid value: "B": must be empty or a lowercase RFC 1123 label',
      'ports[3].protocol: Unsupported value: must be one of "TCP", "UDP", "SCTP"',
    ]);
    const many = Array.from({ length: 1001 }, () => ({ addresses: ['127.0.0.1'] }));
    expect(errorsOf(slice({ endpoints: many }))).toEqual(['endpoints: Too many: 1001: must have at most 1000 items']);
  });
});

describe('Service', () => {
  const service = (ports: unknown[]): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo', namespace: 'default' },
    spec: { ports },
  });

  it('checks ports against the schema and their ranges', () => {
    expect(
      errorsOf(
        service([
          { name: 'grpc', port: 8080, targetPort: 3000 },
          { name: 'h', port: 80, targetPort: 'http' },
        ]),
      ),
    ).toEqual([]);
    expect(errorsOf(service([{ name: 'grpc' }]))).toEqual(['spec.ports[0].port: Required value']);
    expect(
      errorsOf(
        service([
          { name: 'a', port: 0 },
          { name: 'a', port: 80, targetPort: 70000 },
        ]),
      ),
    ).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[1].name: Duplicate value: "a"',
    ]);
  });
});

describe('Secret and Namespace', () => {
  it('checks them against their schema', () => {
    expect(errorsOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })).toEqual([]);
    expect(
      errorsOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }),
    ).toEqual([]);
    expect(errorsOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { 'tls.crt': 1 } })).toEqual([
      'data.tls.crt: must be string',
    ]);
  });
});
