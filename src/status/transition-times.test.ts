import { type GatewayClassStatusEntry } from '../gatewayapi/status';
import { carryTransitionTimes } from './transition-times';

const entry = (status: 'True' | 'False', time: string): GatewayClassStatusEntry => ({
  kind: 'GatewayClass',
  name: 'c',
  status: { conditions: [{ type: 'Accepted', status, reason: 'Accepted', message: '', lastTransitionTime: time }], supportedFeatures: [] },
});

describe('carryTransitionTimes', () => {
  it('keeps the old time while the status holds, and takes the new one on a transition', () => {
    const kept = carryTransitionTimes([entry('True', 't0')], [entry('True', 't1')]) as GatewayClassStatusEntry[];
    expect(kept[0].status.conditions[0].lastTransitionTime).toBe('t0');
    const moved = carryTransitionTimes([entry('True', 't0')], [entry('False', 't2')]) as GatewayClassStatusEntry[];
    expect(moved[0].status.conditions[0].lastTransitionTime).toBe('t2');
  });

  it('carries times along a chain of rebuilds, each fed the list the one before returned', () => {
    const time = (list: readonly unknown[]): string | undefined => (list as GatewayClassStatusEntry[])[0].status.conditions[0].lastTransitionTime;
    const first = carryTransitionTimes([], [entry('True', 't0')]);
    const second = carryTransitionTimes(first, [entry('True', 't1')]);
    const third = carryTransitionTimes(second, [entry('False', 't2')]);
    const fourth = carryTransitionTimes(third, [entry('False', 't3')]);
    const fifth = carryTransitionTimes(fourth, [entry('True', 't4')]);
    expect([first, second, third, fourth, fifth].map(time)).toEqual(['t0', 't0', 't2', 't2', 't4']);
  });
});
