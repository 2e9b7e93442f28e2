import { TypeUrl } from '../xds/resources';
import type { PushEvent } from '../xds/server/callbacks';
import { ConvergenceTracker } from './convergence';

const node = {
  id: 'envoy',
  cluster: 'default/gw',
  metadata: null,
  locality: null,
  user_agent_name: '',
  extensions: [],
  client_features: [],
  listening_addresses: [],
  dynamic_parameters: {},
};

function harness() {
  let now = 1000;
  const observed: Array<[number, string]> = [];
  const tracker = new ConvergenceTracker(
    (s, path) => observed.push([s, path]),
    () => now,
  );
  const cb = tracker.callbacks();
  const ev = (streamId: number, key = 'default/gw') => ({ streamId, protocol: 'sotw' as const, peer: 'p', node, key });
  const push = (streamId: number, typeUrl: PushEvent['typeUrl'], nonce: string, key = 'default/gw'): void =>
    cb.onPush?.({ ...ev(streamId, key), typeUrl, version: 'v', nonce, names: [], resources: [], removed: [], bytes: 1, durationMs: 0 });
  const ack = (streamId: number, typeUrl: PushEvent['typeUrl'], nonce: string): void =>
    cb.onAck?.({ ...ev(streamId), typeUrl, version: 'v', nonce, names: [], resources: [] });
  return { tracker, cb, ev, push, ack, observed, setNow: (t: number) => (now = t) };
}

describe('ConvergenceTracker', () => {
  it('observes a change once every proxy of its Gateway ACKed every push it caused', () => {
    const h = harness();
    h.cb.onStreamIdentified?.(h.ev(1));
    h.cb.onStreamIdentified?.(h.ev(2));
    h.tracker.begin('default/gw', 900, 'full');
    h.push(1, TypeUrl.Cluster, '1');
    h.push(1, TypeUrl.ClusterLoadAssignment, '2');
    h.push(2, TypeUrl.Cluster, '1');
    h.tracker.end();
    h.setNow(1250);
    h.ack(1, TypeUrl.Cluster, '1');
    h.ack(2, TypeUrl.Cluster, '1');
    expect(h.observed).toEqual([]);
    h.ack(1, TypeUrl.ClusterLoadAssignment, '2');
    expect(h.observed).toEqual([[0.35, 'full']]);
    expect(h.tracker.pendingCount('default/gw')).toBe(0);
  });

  it('does not measure a change that pushed nothing, nor count pushes of another Gateway', () => {
    const h = harness();
    h.cb.onStreamIdentified?.(h.ev(1, 'default/other'));
    h.tracker.begin('default/gw', 900, 'full');
    h.push(1, TypeUrl.Cluster, '1', 'default/other');
    h.tracker.end();
    expect(h.tracker.pendingCount('default/gw')).toBe(0);
  });

  it('waits past a NACK until the push that replaces the rejected one is ACKed', () => {
    const h = harness();
    h.cb.onStreamIdentified?.(h.ev(1));
    h.tracker.begin('default/gw', 1000, 'full');
    h.push(1, TypeUrl.RouteConfiguration, '1');
    h.tracker.end();
    h.cb.onNack?.({
      ...h.ev(1),
      typeUrl: TypeUrl.RouteConfiguration,
      version: '',
      nonce: '1',
      names: [],
      rejectedVersion: 'v',
      errorDetail: { code: 3, message: 'no' },
      rejected: [],
      clientStateKnown: true,
    });
    expect(h.observed).toEqual([]);
    h.tracker.begin('default/gw', 1100, 'full');
    h.push(1, TypeUrl.RouteConfiguration, '2');
    h.tracker.end();
    h.setNow(1500);
    h.ack(1, TypeUrl.RouteConfiguration, '2');
    expect(h.observed).toEqual([
      [0.5, 'full'],
      [0.4, 'full'],
    ]);
  });

  it('stops waiting for a proxy that disconnects', () => {
    const h = harness();
    h.cb.onStreamIdentified?.(h.ev(1));
    h.tracker.begin('default/gw', 1000, 'endpoints');
    h.push(1, TypeUrl.ClusterLoadAssignment, '1');
    h.tracker.end();
    h.cb.onStreamClosed?.({ streamId: 1, protocol: 'sotw', peer: 'p', node, key: 'default/gw' });
    expect(h.observed).toEqual([[0, 'endpoints']]);
  });
});
