/**
 * A standby server (a follower under leader election) serves no proxy: open streams end with
 * UNAVAILABLE, so Envoy reconnects (through the Service, to the leader) keeping what it runs, and
 * new ones are refused the same way until the server serves again.
 */
import * as grpc from '@grpc/grpc-js';
import { fakeGateway } from '../../../test/support/fake-resources';
import { type AdsHarness, adsHarnessPerTest, eventually, fakeNode, nextResponse } from '../../../test/support/fake-ads-client';
import { TypeUrl } from '../resources';

const REASON = 'standby: reconnect to the leader';

describe('XdsServer.setStandby', () => {
  let h: AdsHarness;
  adsHarnessPerTest((started) => (h = started));

  it('ends open SotW and Delta streams with UNAVAILABLE and refuses new ones until it serves again', async () => {
    h.publish(fakeGateway());
    const sotw = h.sotw();
    sotw.send({ node: fakeNode('gw', 'envoy-1'), type_url: TypeUrl.Cluster });
    await nextResponse(sotw);
    const delta = h.delta();
    delta.send({ node: fakeNode('gw', 'envoy-2'), type_url: TypeUrl.Cluster });
    await nextResponse(delta);
    await eventually(() => h.server.proxies().length === 2);

    h.server.setStandby(REASON);
    for (const s of [sotw, delta]) expect(await s.status).toMatchObject({ code: grpc.status.UNAVAILABLE, details: REASON });
    await eventually(() => h.server.connections().length === 0);
    expect(h.server.proxies()).toEqual([]);

    const refused = h.sotw();
    refused.send({ node: fakeNode('gw', 'envoy-3'), type_url: TypeUrl.Cluster });
    expect(await refused.status).toMatchObject({ code: grpc.status.UNAVAILABLE, details: REASON });
    const refusedDelta = h.delta();
    refusedDelta.send({ node: fakeNode('gw', 'envoy-4'), type_url: TypeUrl.Cluster });
    expect(await refusedDelta.status).toMatchObject({ code: grpc.status.UNAVAILABLE, details: REASON });
    expect(h.events.opened.length).toBe(2);

    h.server.setStandby(undefined);
    const served = h.sotw();
    served.send({ node: fakeNode('gw', 'envoy-5'), type_url: TypeUrl.Cluster });
    expect((await nextResponse(served)).resources.length).toBeGreaterThan(0);
    await eventually(() => h.server.proxies().length === 1);
  });
});
