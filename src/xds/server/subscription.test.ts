import { fakeGateway } from '../../../test/support/fake-resources';
import { buildSnapshot } from '../cache/snapshot';
import { TypeUrl } from '../resources';
import { type ResponsePlan, TypeSubscription } from './subscription';

const snapshot = buildSnapshot(fakeGateway());
const names = (plan: ResponsePlan | undefined): string[] | undefined => plan?.resources.map((r) => r.name);

describe('TypeSubscription (SotW)', () => {
  it('treats an empty first request as wildcard for LDS/CDS only', () => {
    const cds = new TypeSubscription(TypeUrl.Cluster);
    cds.updateSotw([]);
    expect(cds.isWildcard()).toBe(true);
    const eds = new TypeSubscription(TypeUrl.ClusterLoadAssignment);
    eds.updateSotw([]);
    expect(eds.isWildcard()).toBe(false);
    expect(eds.planSotw(snapshot, false)).toBeUndefined();
  });

  it('keeps `*` as wildcard alongside explicit names, and drops it when the list no longer has it', () => {
    const cds = new TypeSubscription(TypeUrl.Cluster);
    cds.updateSotw(['*', 'backend-a']);
    expect(cds.describe()).toMatchObject({ wildcard: true, names: ['backend-a'] });
    cds.updateSotw(['backend-a']);
    expect(cds.describe()).toMatchObject({ wildcard: false, names: ['backend-a'] });
  });

  it('sends the full LDS/CDS set once, then only when it changes', () => {
    const cds = new TypeSubscription(TypeUrl.Cluster);
    cds.updateSotw([]);
    const plan = cds.planSotw(snapshot, false);
    expect(names(plan)).toEqual(['backend-a', 'backend-b']);
    cds.commit(plan!, '1', 'v1');
    expect(cds.planSotw(snapshot, false)).toBeUndefined();
    expect(names(cds.planSotw(buildSnapshot(fakeGateway({ clusters: ['backend-a'] })), false))).toEqual(['backend-a']);
  });

  it('sends an empty first LDS/CDS response when there is nothing, so the client can finish initialising', () => {
    const lds = new TypeSubscription(TypeUrl.Listener);
    lds.updateSotw([]);
    expect(lds.planSotw(buildSnapshot({}), false)).toMatchObject({ resources: [], replacesAll: true });
  });

  it('resends a name after it was unsubscribed and subscribed again', () => {
    const eds = new TypeSubscription(TypeUrl.ClusterLoadAssignment);
    eds.updateSotw(['backend-a']);
    eds.commit(eds.planSotw(snapshot, false)!, '1', 'v1');
    eds.updateSotw(['backend-a']);
    expect(eds.planSotw(snapshot, false)).toBeUndefined();
    eds.updateSotw([]);
    eds.updateSotw(['backend-a']);
    expect(names(eds.planSotw(snapshot, false))).toEqual(['backend-a']);
  });
});

describe('TypeSubscription (Delta)', () => {
  it('is wildcard when the first request subscribes to nothing, for LDS/CDS only', () => {
    const cds = new TypeSubscription(TypeUrl.Cluster);
    cds.updateDelta([], [], {});
    expect(cds.isWildcard()).toBe(true);
    const rds = new TypeSubscription(TypeUrl.RouteConfiguration);
    rds.updateDelta([], [], {});
    expect(rds.isWildcard()).toBe(false);
  });

  it('forgets what the client dropped when it unsubscribes from `*`', () => {
    const cds = new TypeSubscription(TypeUrl.Cluster);
    cds.updateDelta(['*', 'backend-a'], [], {});
    cds.commit(cds.planDelta(snapshot, false)!, '1', 'v1');
    expect(cds.describe().held).toBe(2);
    cds.updateDelta([], ['*']);
    expect(cds.describe()).toMatchObject({ wildcard: false, held: 1, names: ['backend-a'] });
  });
});

describe('TypeSubscription outstanding responses', () => {
  it('settles a response once, dropping older ones with it', () => {
    const eds = new TypeSubscription(TypeUrl.ClusterLoadAssignment);
    eds.updateSotw(['backend-a']);
    eds.commit(eds.planSotw(snapshot, false)!, '1', 'v1');
    eds.updateSotw(['backend-a', 'backend-b']);
    eds.commit(eds.planSotw(snapshot, false)!, '2', 'v1');
    expect(eds.takeOutstanding('2')).toMatchObject({ version: 'v1', names: ['backend-b'] });
    expect(eds.takeOutstanding('1')).toBeUndefined();
    expect(eds.takeOutstanding('2')).toBeUndefined();
  });
});
