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

  it('gives a requested address (the loadBalancerIP of a LoadBalancer) when it is in the pool and free, and skips it when allocating', () => {
    const pool = new PodAddressPool('10.244.240.1', 3);
    expect(pool.allocateAt('lb', '10.244.240.2')).toBe('10.244.240.2');
    expect(pool.allocateAt('lb', '10.244.240.2')).toBe('10.244.240.2');
    expect(() => pool.allocateAt('other', '10.244.240.2')).toThrow('10.244.240.2 is taken');
    expect(() => pool.allocateAt('other', '10.244.201.1')).toThrow('not in the pool');
    expect(pool.allocate('a')).toBe('10.244.240.1');
    expect(pool.allocate('b')).toBe('10.244.240.3');
    expect(() => pool.allocate('c')).toThrow('exhausted');
    // Moving to another address frees the old one, once.
    pool.release('b');
    expect(pool.allocateAt('lb', '10.244.240.3')).toBe('10.244.240.3');
    expect(pool.allocate('c')).toBe('10.244.240.2');
    expect(() => pool.allocate('d')).toThrow('exhausted');
  });

  it('refuses a first address that is not IPv4', () => {
    expect(() => new PodAddressPool('10.244.1', 2)).toThrow('not an IPv4 address');
  });
});
