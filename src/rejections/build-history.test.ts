import { fakeGateway } from '../../test/support/fake-resources';
import { buildSnapshot } from '../xds/cache/snapshot';
import { TypeUrl } from '../xds/resources';
import { BuildHistory, type GatewayBuild } from './build-history';

function fakeBuild(port: number): GatewayBuild {
  return { snapshot: buildSnapshot(fakeGateway({ endpointPorts: { 'backend-a': port } })), owners: new Map(), routes: new Map() };
}

function versionOf(build: GatewayBuild): string {
  return build.snapshot.resource(TypeUrl.ClusterLoadAssignment, 'backend-a')!.version;
}

describe('BuildHistory', () => {
  it('drops builds that are old against the newest event, keeping the newest two', () => {
    const history = new BuildHistory();
    const builds = [8001, 8002, 8003, 8004].map(fakeBuild);
    builds.forEach((b, i) => history.record('gw', b, i * 10));
    expect(history.size('gw')).toBe(4);
    expect(history.find('gw', TypeUrl.ClusterLoadAssignment, 'backend-a', versionOf(builds[0]))?.build).toBe(builds[0]);
    history.accept('gw', 1, TypeUrl.Listener, [], 60_000);
    expect(history.size('gw')).toBe(2);
    expect(history.find('gw', TypeUrl.ClusterLoadAssignment, 'backend-a', versionOf(builds[0]))).toBeUndefined();
    expect(history.latest('gw')).toBe(builds[3]);
  });

  it('keeps the build holding the version a proxy last ACKed, however old', () => {
    const history = new BuildHistory();
    const builds = [8001, 8002, 8003, 8004].map(fakeBuild);
    history.record('gw', builds[0], 0);
    history.accept('gw', 1, TypeUrl.ClusterLoadAssignment, [{ name: 'backend-a', version: versionOf(builds[0]) }], 0);
    builds.slice(1).forEach((b, i) => history.record('gw', b, 30_000 * (i + 1)));
    expect(history.find('gw', TypeUrl.ClusterLoadAssignment, 'backend-a', versionOf(builds[0]))?.build).toBe(builds[0]);
    expect(history.find('gw', TypeUrl.ClusterLoadAssignment, 'backend-a', versionOf(builds[1]))).toBeUndefined();
    // A newer ACK releases it.
    history.accept('gw', 1, TypeUrl.ClusterLoadAssignment, [{ name: 'backend-a', version: versionOf(builds[3]) }], 90_010);
    expect(history.find('gw', TypeUrl.ClusterLoadAssignment, 'backend-a', versionOf(builds[0]))).toBeUndefined();
    history.forget('gw');
    expect(history.size('gw')).toBe(0);
  });
});
