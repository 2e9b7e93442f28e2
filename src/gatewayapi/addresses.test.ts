import { Gateway } from '../apis/gateway-api';
import { allocateAddresses, parseAddressPool } from './addresses';

const gw = (name: string, addresses?: Gateway['spec']['addresses']): Gateway => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'ns' },
  spec: { gatewayClassName: 'c', listeners: [], addresses },
});

describe('address pool', () => {
  it('parses a CIDR into usable addresses', () => {
    expect(parseAddressPool('127.0.100.0/24')).toEqual({ base: 2130732033, size: 254 });
    expect(() => parseAddressPool('10.0.0.0')).toThrow('expected an IPv4 CIDR');
  });
  it('gives each Gateway without addresses its own stable address', () => {
    const pool = parseAddressPool('127.0.100.0/24');
    const one = allocateAddresses([gw('a'), gw('b'), gw('c', [{ type: 'IPAddress', value: '127.0.0.9' }])], pool);
    expect([...one.keys()]).toEqual(['ns/a', 'ns/b']);
    expect(new Set(one.values()).size).toBe(2);
    for (const a of one.values()) expect(a).toMatch(/^127\.0\.100\.\d+$/);
    const two = allocateAddresses([gw('b'), gw('z')], pool);
    expect(two.get('ns/b')).toBe(one.get('ns/b'));
  });
  it('probes past collisions in a tiny pool', () => {
    const pool = parseAddressPool('127.0.0.0/30');
    const got = allocateAddresses([gw('a'), gw('b')], pool);
    expect(new Set(got.values())).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
  });
});
