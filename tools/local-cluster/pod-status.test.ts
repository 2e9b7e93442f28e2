import { type Pod } from './pod';
import { type ContainerFacts } from './generic-pod';
import { genericPodStatus, runningPodStatus, sameStatus, waitingPodStatus } from './pod-status';

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

describe('genericPodStatus', () => {
  const running = (ready: boolean, restartCount = 0): ContainerFacts => ({
    name: 'envoy',
    image: 'envoyproxy/envoy:v1',
    state: { running: { startedAt: 't0' } },
    ready,
    restartCount,
    started: true,
  });
  const init: ContainerFacts = {
    name: 'bootstrap',
    image: 'attache:1',
    state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: 't0' } },
    ready: true,
    restartCount: 0,
    started: false,
  };
  const g = { podIP: '10.245.0.2', hostIP: '10.244.0.1', startedAt: 't0', now: 't1' };
  const conds = (s: Record<string, unknown>): string[] => (s.conditions as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`);

  it('is Pending and not Initialized while init containers run', () => {
    const waitingInit = { ...init, state: { running: { startedAt: 't0' } }, ready: false };
    const s = genericPodStatus(pod, { ...g, initialized: false, initContainers: [waitingInit], containers: [] });
    expect(s.phase).toBe('Pending');
    expect(conds(s)).toEqual(['PodScheduled=True', 'Initialized=False', 'ContainersReady=False', 'Ready=False']);
  });
  it('is Running once initialized, Ready when every container is, with each container status and restart count', () => {
    const s = genericPodStatus(pod, { ...g, initialized: true, initContainers: [init], containers: [running(true, 2)] });
    expect(s).toMatchObject({
      phase: 'Running',
      podIP: '10.245.0.2',
      initContainerStatuses: [{ name: 'bootstrap', state: { terminated: { reason: 'Completed' } } }],
    });
    expect(s.containerStatuses).toEqual([expect.objectContaining({ name: 'envoy', ready: true, restartCount: 2, state: { running: { startedAt: 't0' } } })]);
    expect(conds(s)).toEqual(['PodScheduled=True', 'Initialized=True', 'ContainersReady=True', 'Ready=True']);
    expect(conds(genericPodStatus(pod, { ...g, initialized: true, initContainers: [], containers: [running(false)] }))).toContain('Ready=False');
  });
  it('is rewritten when a container restarts or changes state, not when only times change', () => {
    const live: Pod = { ...pod, status: genericPodStatus(pod, { ...g, initialized: true, initContainers: [], containers: [running(true)] }) as Pod['status'] };
    expect(sameStatus(live, genericPodStatus(live, { ...g, now: 't5', initialized: true, initContainers: [], containers: [running(true)] }))).toBe(true);
    expect(sameStatus(live, genericPodStatus(live, { ...g, initialized: true, initContainers: [], containers: [running(true, 1)] }))).toBe(false);
    const crashing = { ...running(false), state: { waiting: { reason: 'CrashLoopBackOff' } } };
    expect(sameStatus(live, genericPodStatus(live, { ...g, initialized: true, initContainers: [], containers: [crashing] }))).toBe(false);
  });
});

describe('waitingPodStatus', () => {
  it('is Pending with the reason on every container', () => {
    const s = waitingPodStatus(pod, 'ContainerCreating', 'volume certs: Secret x not found', 't1');
    expect(s).toMatchObject({
      phase: 'Pending',
      containerStatuses: [{ name: 'c', ready: false, state: { waiting: { reason: 'ContainerCreating', message: 'volume certs: Secret x not found' } } }],
    });
  });
});
