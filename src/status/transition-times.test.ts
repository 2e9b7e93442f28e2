import { GatewayClassStatusEntry } from '../gatewayapi/status';
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
});
