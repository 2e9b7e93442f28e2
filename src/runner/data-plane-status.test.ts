import type { DataPlane } from '../gatewayapi/programmed';
import type { ProxySync } from '../xds/server/proxy-sync';
import { DataPlaneStatus, summarize } from './data-plane-status';

function proxy(streamId: number, key: string, current: boolean, listeners: string[] = [], behind?: string): ProxySync {
  return { streamId, nodeId: `envoy-${streamId}`, key, current, listeners, ...(behind ? { behind } : {}) };
}

describe('summarize', () => {
  it('per Gateway: proxies connected, whether one is current, the Listeners any runs, why none is current', () => {
    const plane = summarize([
      proxy(1, 'ns/a', false, ['l1'], 'has not accepted Listener l2 at version v'),
      proxy(2, 'ns/a', false, ['l2'], 'rejected Listener l1: no'),
      proxy(3, 'ns/b', false, [], 'has no configuration yet'),
      proxy(4, 'ns/b', true, ['l3']),
    ]);
    expect(plane.get('ns/a')).toEqual({
      connected: 2,
      current: false,
      listeners: new Set(['l1', 'l2']),
      behind: 'proxy envoy-1 has not accepted Listener l2 at version v',
    });
    expect(plane.get('ns/b')).toEqual({ connected: 2, current: true, listeners: new Set(['l3']) });
    expect(plane.has('ns/c')).toBe(false);
  });
});

describe('DataPlaneStatus', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts the sink with no proxy, and evaluates a burst of proxy events once, at most once per interval', () => {
    const planes: DataPlane[] = [];
    let proxies: ProxySync[] = [];
    const loop = new DataPlaneStatus({ setDataPlane: (p) => planes.push(p) }, { settleMs: 50, minIntervalMs: 1000, startupGraceMs: 0 });
    expect(planes).toHaveLength(1);
    expect(planes[0].size).toBe(0);
    loop.attach(() => proxies);
    const events = loop.callbacks();

    // A flapping proxy: connected and current, then gone, a thousand times within the interval.
    for (let i = 0; i < 1000; i++) {
      proxies = [proxy(i, 'ns/a', true, ['l1'])];
      events.onAck!({} as never);
      proxies = [];
      events.onStreamClosed!({} as never);
    }
    proxies = [proxy(1000, 'ns/a', true, ['l1'])];
    jest.advanceTimersByTime(50);
    expect(planes).toHaveLength(2);
    expect(planes[1].get('ns/a')?.current).toBe(true);

    for (let i = 0; i < 1000; i++) events.onPush!({} as never);
    proxies = [];
    jest.advanceTimersByTime(900);
    // Still within the interval since the last evaluation: nothing yet.
    expect(planes).toHaveLength(2);
    jest.advanceTimersByTime(100);
    expect(planes).toHaveLength(3);
    expect(planes[2].size).toBe(0);
    loop.stop();
  });

  it('says proxies may be reconnecting until the startup grace ends, then evaluates', () => {
    const calls: Array<{ size: number; reconnecting?: boolean }> = [];
    const loop = new DataPlaneStatus({ setDataPlane: (p, o) => calls.push({ size: p.size, reconnecting: o.reconnecting }) }, { startupGraceMs: 15_000 });
    loop.attach(() => []);
    jest.advanceTimersByTime(1000);
    expect(calls).toEqual([{ size: 0, reconnecting: true }]);
    jest.advanceTimersByTime(14_100);
    expect(calls).toEqual([
      { size: 0, reconnecting: true },
      { size: 0, reconnecting: false },
    ]);
    loop.stop();
  });

  it('gives a replica that becomes leader the grace again, at once, so its first status write keeps Programmed', () => {
    const calls: Array<{ size: number; reconnecting?: boolean }> = [];
    const loop = new DataPlaneStatus({ setDataPlane: (p, o) => calls.push({ size: p.size, reconnecting: o.reconnecting }) }, { startupGraceMs: 15_000 });
    loop.attach(() => []);
    jest.advanceTimersByTime(20_000);
    expect(calls.at(-1)).toEqual({ size: 0, reconnecting: false });
    const before = calls.length;
    loop.restartGrace();
    // Synchronous: the caller writes the new leader's status right after.
    expect(calls.slice(before)).toEqual([{ size: 0, reconnecting: true }]);
    jest.advanceTimersByTime(14_000);
    expect(calls.slice(before)).toEqual([{ size: 0, reconnecting: true }]);
    jest.advanceTimersByTime(1100);
    expect(calls.slice(before)).toEqual([
      { size: 0, reconnecting: true },
      { size: 0, reconnecting: false },
    ]);
    loop.stop();
  });

  it('hands over only a changed summary', () => {
    const planes: DataPlane[] = [];
    const loop = new DataPlaneStatus({ setDataPlane: (p) => planes.push(p) }, { startupGraceMs: 0 });
    loop.attach(() => [proxy(1, 'ns/a', true, ['l1'])]);
    loop.evaluate();
    loop.evaluate();
    expect(planes).toHaveLength(2);
    loop.stop();
    jest.runOnlyPendingTimers();
    expect(planes).toHaveLength(2);
  });
});
