/**
 * The status the kubelet reports for a Pod it runs: phase Running, the Pod IP, and the four
 * conditions the EndpointSlice controller and `kubectl wait` read (PodScheduled, Initialized,
 * ContainersReady, Ready). Ready=True only once every port answers. Pure.
 */
import { type ContainerFacts } from './generic-pod';
import { type Pod, type PodCondition } from './pod';

export interface RunningPodFacts {
  podIP: string;
  hostIP: string;
  startedAt: string;
  ready: boolean;
  now: string;
  restartCount: number;
}

export function runningPodStatus(pod: Pod, f: RunningPodFacts): Record<string, unknown> {
  const previous = pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean): PodCondition => {
    const status = ok ? 'True' : 'False';
    const old = previous.find((c) => c.type === type);
    return { type, status, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : f.now };
  };
  return {
    phase: 'Running',
    hostIP: f.hostIP,
    hostIPs: [{ ip: f.hostIP }],
    podIP: f.podIP,
    podIPs: [{ ip: f.podIP }],
    startTime: f.startedAt,
    conditions: [condition('PodScheduled', true), condition('Initialized', true), condition('ContainersReady', f.ready), condition('Ready', f.ready)],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: f.ready,
      started: true,
      restartCount: f.restartCount,
      state: { running: { startedAt: f.startedAt } },
    })),
  };
}

export interface GenericPodFacts {
  podIP: string;
  hostIP: string;
  startedAt: string;
  now: string;
  initialized: boolean;
  initContainers: ContainerFacts[];
  containers: ContainerFacts[];
}

/**
 * The status of a Pod whose containers run (generic-pod.ts): Pending until its init containers
 * have completed (Initialized=False), then Running; Ready when every container is.
 */
export function genericPodStatus(pod: Pod, f: GenericPodFacts): Record<string, unknown> {
  const ready = f.initialized && f.containers.every((c) => c.ready);
  const previous = pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean): PodCondition => {
    const status = ok ? 'True' : 'False';
    const old = previous.find((c) => c.type === type);
    return { type, status, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : f.now };
  };
  const statusOf = (c: ContainerFacts): Record<string, unknown> => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: c.state,
    ...(c.lastState ? { lastState: c.lastState } : {}),
  });
  return {
    phase: f.initialized ? 'Running' : 'Pending',
    hostIP: f.hostIP,
    hostIPs: [{ ip: f.hostIP }],
    podIP: f.podIP,
    podIPs: [{ ip: f.podIP }],
    startTime: f.startedAt,
    conditions: [condition('PodScheduled', true), condition('Initialized', f.initialized), condition('ContainersReady', ready), condition('Ready', ready)],
    ...(f.initContainers.length ? { initContainerStatuses: f.initContainers.map(statusOf) } : {}),
    containerStatuses: f.containers.map(statusOf),
  };
}

/** A Pod that cannot start yet (a Secret its volumes need is missing, say): Pending, with why. */
export function waitingPodStatus(pod: Pod, reason: string, message: string, now: string): Record<string, unknown> {
  const old = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  return {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: old?.lastTransitionTime ?? now },
      { type: 'Ready', status: 'False', reason, message, lastTransitionTime: now },
    ],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, message } },
    })),
  };
}

/** True when the status the API holds already says what `wanted` says (times aside). */
export function sameStatus(pod: Pod, wanted: Record<string, unknown>): boolean {
  const live = (pod.status ?? {}) as Record<string, unknown>;
  const containers = (list: unknown): unknown[] =>
    (
      (list as Array<{ name?: string; ready?: boolean; restartCount?: number; state?: Record<string, { reason?: string; message?: string }> }> | undefined) ??
      []
    ).map((c) => [c.name, c.ready, c.restartCount, Object.entries(c.state ?? {}).map(([k, v]) => `${k}:${v.reason ?? ''}:${v.message ?? ''}`)]);
  const strip = (s: Record<string, unknown>): string =>
    JSON.stringify([
      s.phase,
      s.podIP,
      ((s.conditions as PodCondition[] | undefined) ?? []).map((c) => `${c.type}=${c.status}`).sort(),
      containers(s.initContainerStatuses),
      containers(s.containerStatuses),
    ]);
  return strip(live) === strip(wanted);
}
