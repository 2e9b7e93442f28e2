import { type DebugState, startDebugServer, type DebugServer, type DebugServerOptions } from './server';
import type { AccessDecision, DebugAuthorizer } from './auth';
import type { PageRequest } from './proxy-page';

describe('debug endpoint', () => {
  let ready = false;
  let standby: boolean | undefined;
  let lastPage: PageRequest | undefined;
  const state: DebugState = {
    ready: () => ready,
    standby: () => standby === true,
    status: () => [{ kind: 'Gateway', name: 'gw' }],
    errors: () => [],
    configDump: ({ gateway, proxy }) =>
      proxy === 'nobody' || gateway === 'x/y' ? undefined : [{ gateway: gateway ?? `of ${proxy}`, resources: { listener: [] } }],
    proxies: (page) => {
      lastPage = page;
      return [{ nodeId: 'envoy-0', sync: 'SYNCED' }];
    },
    ir: () => [],
    objects: () => ({ gateways: [] }),
    statusWrites: () => ({ source: 'file' }),
    metrics: { text: async () => 'attache_objects 1\n', contentType: 'text/plain; version=0.0.4' },
  };
  const servers: DebugServer[] = [];
  const start = async (options?: DebugServerOptions): Promise<DebugServer> => {
    const s = await startDebugServer('127.0.0.1', 0, state, options);
    servers.push(s);
    return s;
  };
  const get = async (server: DebugServer, p: string, headers: Record<string, string> = {}): Promise<{ code: number; type: string | null; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${server.port}${p}`, { headers, signal: AbortSignal.timeout(5000) });
    return { code: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  let server: DebugServer;

  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('is healthy at once, and ready only once the first snapshot is built', async () => {
    expect(await get(server, '/healthz')).toMatchObject({ code: 200, body: 'ok\n' });
    expect(await get(server, '/readyz')).toMatchObject({ code: 503, body: 'no snapshot built yet\n' });
    ready = true;
    expect(await get(server, '/readyz')).toMatchObject({ code: 200, body: 'ready\n' });
  });

  it('is not ready on a follower under leader election (the Service routes Envoys to the leader), ready again once it leads', async () => {
    standby = true;
    expect(await get(server, '/readyz')).toMatchObject({ code: 503, body: 'standby: another replica holds the leader Lease and serves xDS\n' });
    expect((await get(server, '/healthz')).code).toBe(200);
    standby = false;
    expect(await get(server, '/readyz')).toMatchObject({ code: 200, body: 'ready\n' });
  });

  it('answers YAML, or JSON with ?format=json, and passes the config_dump filters through', async () => {
    expect(await get(server, '/proxies')).toMatchObject({ code: 200, type: 'text/yaml; charset=utf-8', body: '- nodeId: envoy-0\n  sync: SYNCED\n' });
    const json = await get(server, '/config_dump?proxy=envoy-0&format=json');
    expect(json.type).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual([{ gateway: 'of envoy-0', resources: { listener: [] } }]);
    expect(JSON.parse((await get(server, '/config_dump?gateway=default/gw&format=json')).body)[0].gateway).toBe('default/gw');
    expect(await get(server, '/config_dump?proxy=nobody')).toMatchObject({ code: 404, body: 'no connected proxy with node id "nobody"; see /proxies\n' });
    expect(await get(server, '/config_dump?gateway=x/y')).toMatchObject({ code: 404, body: 'no Gateway "x/y" is served\n' });
  });

  it('pages /proxies: default and largest page, and a clear error for a bad number', async () => {
    await get(server, '/proxies');
    expect(lastPage).toEqual({ offset: 0, limit: 500 });
    await get(server, '/proxies?offset=20&limit=999999');
    expect(lastPage).toEqual({ offset: 20, limit: 1000 });
    expect(await get(server, '/proxies?limit=-1')).toMatchObject({ code: 400, body: '?limit= must be a whole number, got "-1"\n' });
  });

  it('names the paths it has when asked for another', async () => {
    const unknown = await get(server, '/nope');
    expect(unknown.code).toBe(404);
    expect(unknown.body).toContain('/proxies');
    expect(await get(server, '/metrics')).toMatchObject({ code: 200, body: 'attache_objects 1\n' });
  });

  it('has no /metrics without a registry', async () => {
    const bare = await startDebugServer('127.0.0.1', 0, { ...state, metrics: undefined });
    servers.push(bare);
    expect((await get(bare, '/metrics')).code).toBe(404);
  });

  it('as a health listener serves /healthz, /readyz and /metrics only', async () => {
    const health = await start({ endpoints: 'health' });
    expect((await get(health, '/healthz')).code).toBe(200);
    expect((await get(health, '/readyz')).code).toBe(200);
    expect((await get(health, '/metrics')).code).toBe(200);
    for (const p of ['/objects', '/ir', '/config_dump', '/proxies', '/status', '/errors', '/status_writes']) {
      expect(await get(health, p)).toMatchObject({ code: 404, body: 'this listener serves only /healthz /readyz /metrics\n' });
    }
  });

  it('with an authorizer: probes stay open, every other path needs a token allowed for it', async () => {
    const asked: string[] = [];
    const authorizer: DebugAuthorizer = {
      authorize: async (token, path, verb): Promise<AccessDecision> => {
        asked.push(`${token} ${verb} ${path}`);
        if (token === undefined) return { allowed: false, code: 401, reason: 'send a token' };
        return token === 'good' && path === '/proxies' ? { allowed: true, user: 'alice' } : { allowed: false, code: 403, reason: `no ${path}` };
      },
    };
    const refused: string[] = [];
    const guarded = await start({ authorizer, onRefused: (path, code) => refused.push(`${code} ${path}`) });
    expect((await get(guarded, '/healthz')).code).toBe(200);
    expect((await get(guarded, '/readyz')).code).toBe(200);
    expect(asked).toEqual([]);
    const none = await fetch(`http://127.0.0.1:${guarded.port}/objects`, { signal: AbortSignal.timeout(5000) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await get(guarded, '/objects', { authorization: 'Bearer good' })).toMatchObject({ code: 403, body: 'no /objects\n' });
    expect(await get(guarded, '/metrics', { authorization: 'Bearer bad' })).toMatchObject({ code: 403 });
    expect(await get(guarded, '/proxies', { authorization: 'Bearer good' })).toMatchObject({ code: 200 });
    expect(asked).toEqual(['undefined get /objects', 'good get /objects', 'bad get /metrics', 'good get /proxies']);
    expect(refused).toEqual(['401 /objects', '403 /objects', '403 /metrics']);
  });
});
