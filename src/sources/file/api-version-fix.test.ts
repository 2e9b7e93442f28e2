import { fixApiVersions } from './api-version-fix';

describe('fixApiVersions', () => {
  it('rewrites a v1alpha2 GRPCRoute to v1 and leaves every other byte alone', () => {
    const text = [
      '# a seed route',
      'apiVersion: gateway.networking.k8s.io/v1alpha2   # old',
      'kind: GRPCRoute',
      'metadata: {name: a}',
      '---',
      'kind: GRPCRoute',
      'apiVersion: "gateway.networking.k8s.io/v1alpha2"',
      'metadata: {name: b}',
      '---',
      'apiVersion: gateway.networking.k8s.io/v1alpha2',
      'kind: TCPRoute',
      'metadata: {name: c}',
      '---',
      '{apiVersion: gateway.networking.k8s.io/v1alpha2, kind: GRPCRoute, metadata: {name: d}}',
      '',
    ].join('\n');
    const { text: fixed, fixes } = fixApiVersions(text);
    expect(fixed).toBe(
      text
        .replace('v1alpha2   # old', 'v1   # old')
        .replace('"gateway.networking.k8s.io/v1alpha2"', '"gateway.networking.k8s.io/v1"')
        .replace('{apiVersion: gateway.networking.k8s.io/v1alpha2,', '{apiVersion: gateway.networking.k8s.io/v1,'),
    );
    expect(fixes.map((f) => `${f.document} ${f.kind} ${f.from} -> ${f.to}`)).toEqual([
      '1 GRPCRoute gateway.networking.k8s.io/v1alpha2 -> gateway.networking.k8s.io/v1',
      '2 GRPCRoute gateway.networking.k8s.io/v1alpha2 -> gateway.networking.k8s.io/v1',
      '4 GRPCRoute gateway.networking.k8s.io/v1alpha2 -> gateway.networking.k8s.io/v1',
    ]);
  });

  it('leaves a file with nothing to fix unchanged, whatever its shape', () => {
    const deep = `${'- '.repeat(10_000)}1\n`;
    expect(fixApiVersions(deep)).toEqual({ text: deep, fixes: [] });
  });
});
