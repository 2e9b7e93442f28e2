/**
 * The status the kubelet reports for a Pod it runs: phase Running, the Pod IP, and the four
 * conditions the EndpointSlice controller and `kubectl wait` read (PodScheduled, Initialized,
 * ContainersReady, Ready). Ready=True only once every port answers. Pure.
 */
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

/** True when the status the API holds already says what `wanted` says (times aside). */
export function sameStatus(pod: Pod, wanted: Record<string, unknown>): boolean {
  const live = (pod.status ?? {}) as Record<string, unknown>;
  const strip = (s: Record<string, unknown>): string =>
    JSON.stringify([
      s.phase,
      s.podIP,
      ((s.conditions as PodCondition[] | undefined) ?? []).map((c) => `${c.type}=${c.status}`).sort(),
      ((s.containerStatuses as Array<{ restartCount?: number }> | undefined) ?? []).map((c) => c.restartCount),
    ]);
  return strip(live) === strip(wanted);
}
