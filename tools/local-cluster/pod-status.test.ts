import { type Pod } from './pod';
import { runningPodStatus, sameStatus } from './pod-status';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: 'local-node', containers: [{ name: 'c', image: 'echo-basic' }] },
};
const facts = { podIP: '10.244.1.3', hostIP: '10.244.0.1', startedAt: 't0', now: 't1', restartCount: 0 };

describe('runningPodStatus', () => {
  it('is Running with the Pod IP; Ready and ContainersReady follow readiness', () => {
    const s = runningPodStatus(pod, { ...facts, ready: false });
    expect(s).toMatchObject({ phase: 'Running', podIP: '10.244.1.3', podIPs: [{ ip: '10.244.1.3' }] });
    const conditions = s.conditions as Array<{ type: string; status: string }>;
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['PodScheduled=True', 'Initialized=True', 'ContainersReady=False', 'Ready=False']);
    expect((runningPodStatus(pod, { ...facts, ready: true }).conditions as Array<{ status: string }>).every((c) => c.status === 'True')).toBe(true);
  });

  it('keeps a transition time while the condition holds', () => {
    const live: Pod = { ...pod, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'earlier' }] } };
    const ready = (runningPodStatus(live, { ...facts, ready: true }).conditions as Array<{ type: string; lastTransitionTime: string }>).find(
      (c) => c.type === 'Ready',
    );
    expect(ready?.lastTransitionTime).toBe('earlier');
  });
});

describe('sameStatus', () => {
  it('tells whether a write is needed', () => {
    const wanted = runningPodStatus(pod, { ...facts, ready: true });
    expect(sameStatus(pod, wanted)).toBe(false);
    expect(sameStatus({ ...pod, status: wanted as Pod['status'] }, runningPodStatus(pod, { ...facts, ready: true, now: 't9' }))).toBe(true);
  });
});
