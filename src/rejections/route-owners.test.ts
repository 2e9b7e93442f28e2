import { ownersQuoted, routeOwners, suspectOwners } from './route-owners';

function rc(routes: Array<{ name: string; regex: string }>): object {
  return {
    name: 'routes/x/80',
    virtual_hosts: [{ name: 'vh', domains: ['a.example.com'], routes: routes.map((r) => ({ name: r.name, match: { safe_regex: { regex: r.regex } } })) }],
  };
}

describe('route owners', () => {
  it('groups the entries of a RouteConfiguration by the route object they came from', () => {
    const owners = routeOwners(
      rc([
        { name: 'grpcroute/default/a/rule/0/match/0', regex: 'x' },
        { name: 'grpcroute/default/a/rule/1/match/0', regex: 'y' },
        { name: 'httproute/ns/b/rule/0/match/0', regex: 'z' },
        { name: 'not-ours', regex: 'w' },
      ]),
    );
    expect([...owners.keys()]).toEqual(['GRPCRoute/default/a', 'HTTPRoute/ns/b']);
  });

  it('writes each share as the JSON of its [host, domains, route] entries, with any JSON function equal to JSON.stringify', () => {
    const config = rc([
      { name: 'grpcroute/default/a/rule/0/match/0', regex: 'x' },
      { name: 'grpcroute/default/a/rule/1/match/0', regex: 'y' },
    ]) as { virtual_hosts: Array<{ name: string; domains: string[]; routes: object[] }> };
    const vh = config.virtual_hosts[0];
    const expected = JSON.stringify(vh.routes.map((route) => [vh.name, vh.domains, route]));
    expect(routeOwners(config).get('GRPCRoute/default/a')?.text).toBe(expected);
    const seen: object[] = [];
    const memo = (o: object): string => {
      seen.push(o);
      return JSON.stringify(o);
    };
    expect(routeOwners(config, undefined, memo).get('GRPCRoute/default/a')?.text).toBe(expected);
    expect(seen).toEqual(vh.routes);
  });

  it('shares the unchanged entries of the build before, so kept builds hold one text per route', () => {
    const before = routeOwners(
      rc([
        { name: 'grpcroute/default/a/rule/0/match/0', regex: 'x' },
        { name: 'grpcroute/default/b/rule/0/match/0', regex: 'y' },
      ]),
    );
    const after = routeOwners(
      rc([
        { name: 'grpcroute/default/a/rule/0/match/0', regex: 'x' },
        { name: 'grpcroute/default/b/rule/0/match/0', regex: 'changed' },
      ]),
      before,
    );
    expect(after.get('GRPCRoute/default/a')).toBe(before.get('GRPCRoute/default/a'));
    expect(after.get('GRPCRoute/default/b')?.text).toContain('changed');
  });

  it('suspects the routes that changed, narrowed to the one whose value Envoy quotes', () => {
    const accepted = routeOwners(rc([{ name: 'grpcroute/default/a/rule/0/match/0', regex: 'old' }]));
    const rejected = routeOwners(
      rc([
        { name: 'grpcroute/default/a/rule/0/match/0', regex: 'new' },
        { name: 'grpcroute/default/b/rule/0/match/0', regex: '/(?:a\\.b)/x' },
      ]),
    );
    expect(suspectOwners(rejected, accepted, 'something failed')).toEqual(['GRPCRoute/default/a', 'GRPCRoute/default/b']);
    // Envoy prints the regex raw; the share holds it JSON-escaped.
    expect(suspectOwners(rejected, accepted, "regex '/(?:a\\.b)/x' RE2 program size of 108009 > max")).toEqual(['GRPCRoute/default/b']);
    expect(ownersQuoted(rejected, "domain 'nothing.example.com'")).toEqual([]);
  });
});
