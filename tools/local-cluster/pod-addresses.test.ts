import { PodAddressPool } from './pod-addresses';

describe('PodAddressPool', () => {
  it('gives each owner its own address, the same one again when asked twice', () => {
    const pool = new PodAddressPool('10.244.1.254', 4);
    expect(pool.allocate('a')).toBe('10.244.1.254');
    expect(pool.allocate('b')).toBe('10.244.1.255');
    expect(pool.allocate('c')).toBe('10.244.2.0');
    expect(pool.allocate('a')).toBe('10.244.1.254');
  });

  it('reuses released addresses only once the fresh ones are gone, and says when it is exhausted', () => {
    const pool = new PodAddressPool('10.244.1.0', 2);
    pool.allocate('a');
    pool.release('a');
    expect(pool.allocate('b')).toBe('10.244.1.1');
    expect(pool.allocate('c')).toBe('10.244.1.0');
    expect(() => pool.allocate('d')).toThrow('exhausted');
  });

  it('refuses a first address that is not IPv4', () => {
    expect(() => new PodAddressPool('10.244.1', 2)).toThrow('not an IPv4 address');
  });
});
