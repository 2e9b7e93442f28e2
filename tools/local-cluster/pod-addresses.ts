/**
 * Pod IPs from a block of the private pod network (scripts/netns.sh puts 10.244.0.0/16 on lo).
 * Not 127/8: the API server refuses loopback addresses in EndpointSlices. Each Pod keeps its
 * address until it is released; released addresses are reused last (like a CNI's IPAM, so a
 * stale EndpointSlice entry does not point at a new Pod at once). Pure.
 */

export class PodAddressPool {
  private readonly free: number[] = [];
  private readonly used = new Map<string, number>();
  private readonly taken = new Set<number>();
  private next = 0;

  /** `first` and `count`: the pool is first, first+1, ... (dotted IPv4). */
  constructor(
    private readonly first: string,
    private readonly count: number,
  ) {
    toNumber(first); // validates
  }

  allocate(owner: string): string {
    const existing = this.used.get(owner);
    if (existing !== undefined) return toDotted(toNumber(this.first) + existing);
    let slot: number | undefined;
    // Slots taken by allocateAt are skipped (bounded: each is skipped once, count in all).
    do {
      if (this.next < this.count) slot = this.next++;
      else slot = this.free.shift();
    } while (slot !== undefined && this.taken.has(slot));
    if (slot === undefined) throw new Error(`pod address pool ${this.first} (+${this.count}) is exhausted`);
    this.take(owner, slot);
    return toDotted(toNumber(this.first) + slot);
  }

  /**
   * This address for `owner` (a load balancer's requested address), releasing any other it had;
   * an error when it is outside the pool or another owner's.
   */
  allocateAt(owner: string, ip: string): string {
    const slot = toNumber(ip) - toNumber(this.first);
    if (slot < 0 || slot >= this.count) throw new Error(`${ip} is not in the pool ${this.first} (+${this.count})`);
    if (this.used.get(owner) === slot) return ip;
    if (this.taken.has(slot)) throw new Error(`${ip} is taken`);
    this.release(owner);
    const i = this.free.indexOf(slot);
    if (i >= 0) this.free.splice(i, 1);
    this.take(owner, slot);
    return ip;
  }

  release(owner: string): void {
    const slot = this.used.get(owner);
    if (slot === undefined) return;
    this.used.delete(owner);
    this.taken.delete(slot);
    // A slot not yet reached by `next` is handed out in turn; only one below it goes to the free list.
    if (slot < this.next) this.free.push(slot);
  }

  private take(owner: string, slot: number): void {
    this.used.set(owner, slot);
    this.taken.add(slot);
  }
}

function toNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `ip` plus `n` (dotted IPv4). */
export function offsetAddress(ip: string, n: number): string {
  return toDotted(toNumber(ip) + n);
}
