import { type RouteIR } from '../ir/types';
import { redirectOnListener } from './httproute-filters';

const fakeRedirect = (action: Partial<Extract<RouteIR['action'], { kind: 'redirect' }>>): RouteIR => ({
  name: 'httproute/ns/r/rule/0/match/0',
  match: { path: { kind: 'prefix', value: '/' }, headers: [] } as unknown as RouteIR['match'],
  action: { kind: 'redirect', status: 302, ...action },
});

describe('redirectOnListener (HTTPRequestRedirectFilter.port)', () => {
  it('writes the Gateway listener port when neither scheme nor port is given', () => {
    const r = redirectOnListener(fakeRedirect({ hostname: 'example.org' }), { port: 8080, scheme: 'http' });
    expect(r.action).toMatchObject({ hostname: 'example.org', port: 8080 });
    expect(redirectOnListener(fakeRedirect({}), { port: 80, scheme: 'http' }).action).toMatchObject({ port: 80 });
  });

  it('leaves a new hostname on the well-known port without a port, and keeps a given scheme or port', () => {
    expect(redirectOnListener(fakeRedirect({ hostname: 'example.org' }), { port: 443, scheme: 'https' }).action).not.toHaveProperty('port');
    expect(redirectOnListener(fakeRedirect({ scheme: 'https', port: 443 }), { port: 8080, scheme: 'http' }).action).toMatchObject({ port: 443 });
    expect(redirectOnListener(fakeRedirect({ port: 8443 }), { port: 8080, scheme: 'http' }).action).toMatchObject({ port: 8443 });
  });
});
