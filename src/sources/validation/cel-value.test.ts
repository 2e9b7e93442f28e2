import { isCelError, plan, parse } from '@bufbuild/cel';
import { isKubernetesIP, kubernetesCelEnv } from './cel-k8s-env';
import { escapeCelProperty, toCelValue } from './cel-value';

describe('escapeCelProperty (Kubernetes apiserver/pkg/cel.Escape)', () => {
  it.each([
    ['name', 'name'],
    ['namespace', '__namespace__'],
    ['if', '__if__'],
    ['a__b', 'a__underscores__b'],
    ['x-y.z/w', 'x__dash__y__dot__z__slash__w'],
    ['_private', '_private'],
  ])('%s → %s', (name, escaped) => expect(escapeCelProperty(name)).toBe(escaped));

  it.each(['', '1st', 'a b', 'ümlaut'])('cannot name %j in CEL', (name) => expect(escapeCelProperty(name)).toBeUndefined());
});

describe('toCelValue', () => {
  it('prunes undeclared and null fields, keeps map keys as written', () => {
    const schema = {
      type: 'object',
      properties: { port: { type: 'integer' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
    };
    const v = toCelValue({ port: 80, extra: 'x', gone: null, labels: { 'a.b/c': 'd' } }, schema);
    expect(v).toEqual(
      new Map<string, unknown>([
        ['port', 80n],
        ['labels', new Map([['a.b/c', 'd']])],
      ]),
    );
  });
});

describe('isIP, as Kubernetes defines it', () => {
  it.each(['10.0.0.1', '0.0.0.0', '::1', '2001:db8::1', 'fe80::1'])('%s is an IP', (s) => expect(isKubernetesIP(s)).toBe(true));
  it.each([
    'example.com',
    '010.0.0.1', // leading zero: netip.ParseAddr refuses it
    '1.2.3',
    'fe80::1%eth0', // zones are refused
    '::ffff:10.0.0.1', // IPv4-mapped IPv6 is refused
    '::ffff:a00:1',
    '',
  ])('%s is not', (s) => expect(isKubernetesIP(s)).toBe(false));

  it('is callable from CEL', () => {
    const env = kubernetesCelEnv();
    const result = plan(env, parse("self.all(h, !isIP(h)) && 'a/b'.split('/')[1] == 'b' && 'abc'.substring(1) == 'bc'"));
    const value = result({ self: ['example.com'] });
    expect(isCelError(value) ? value.message : value).toBe(true);
  });
});
