import { type KubernetesObject } from '../../apis/meta';
import { ServerFields } from './server-fields';

const route = (backend: string, labels?: Record<string, string>): KubernetesObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels }, spec: { backend } }) as KubernetesObject;

describe('ServerFields', () => {
  it('starts at generation 1 and bumps it only when the spec changes', () => {
    let t = 0;
    const fields = new ServerFields(() => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    const [a] = fields.stamp([route('x')]);
    expect(a.metadata).toMatchObject({ generation: 1, creationTimestamp: '2026-01-01T00:00:00.000Z' });
    expect(fields.stamp([route('x', { a: 'b' })])[0].metadata.generation).toBe(1);
    const [c] = fields.stamp([route('y')]);
    expect(c.metadata).toMatchObject({ generation: 2, creationTimestamp: '2026-01-01T00:00:00.000Z', uid: a.metadata.uid });
  });
  it('hands back the same copy for the same object, so an unchanged file costs no comparison', () => {
    const fields = new ServerFields();
    const o = route('x');
    const [first] = fields.stamp([o]);
    expect(fields.stamp([o])[0]).toBe(first);
    const [other] = fields.stamp([route('x')]);
    expect(other).not.toBe(first);
    expect(other.metadata).toEqual(first.metadata);
  });
  it('starts over for an object that was deleted and created again', () => {
    const fields = new ServerFields();
    fields.stamp([route('x')]);
    fields.stamp([route('y')]);
    fields.stamp([]);
    expect(fields.stamp([route('z')])[0].metadata.generation).toBe(1);
  });
});
