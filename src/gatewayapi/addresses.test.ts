import { type Gateway } from '../apis/gateway-api';
import { allocateAddresses, inPool, parseAddressPool, wantsAssignedAddress } from './addresses';

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
  it('assigns addresses to Gateways whose IPAddress entries have no value, never one a Gateway asked for', () => {
    const pool = parseAddressPool('127.0.0.0/30'); // .1 and .2
    const got = allocateAddresses([gw('a', [{ type: 'IPAddress' }]), gw('b', [{ type: 'IPAddress', value: '127.0.0.1' }])], pool);
    expect([...got.entries()]).toEqual([['ns/a', '127.0.0.2']]);
  });
  it('tells assigned from static addresses, and pool addresses from others', () => {
    expect(wantsAssignedAddress(gw('a'))).toBe(true);
    expect(wantsAssignedAddress(gw('a', [{ type: 'IPAddress', value: '' }]))).toBe(true);
    expect(wantsAssignedAddress(gw('a', [{ type: 'IPAddress', value: '10.0.0.1' }]))).toBe(false);
    expect(wantsAssignedAddress(gw('a', [{ type: 'Hostname' }]))).toBe(false);
    const pool = parseAddressPool('10.244.200.0/24');
    expect(inPool(pool, '10.244.200.254')).toBe(true);
    expect(inPool(pool, '10.244.200.255')).toBe(false);
    expect(inPool(pool, '10.244.201.1')).toBe(false);
    expect(inPool(pool, 'not-an-ip')).toBe(false);
  });
});
