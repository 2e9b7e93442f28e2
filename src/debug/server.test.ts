import { DebugState, startDebugServer, type DebugServer } from './server';

describe('debug endpoint', () => {
  let server: DebugServer;
  let ready = false;
  const state: DebugState = {
    ready: () => ready,
    status: () => [{ kind: 'Gateway', name: 'gw' }],
    errors: () => [],
    configDump: ({ gateway, proxy }) => (proxy === 'nobody' || gateway === 'x/y' ? undefined : [{ gateway: gateway ?? `of ${proxy}`, resources: { listener: [] } }]),
    proxies: () => [{ nodeId: 'envoy-0', sync: 'SYNCED' }],
    ir: () => [],
    objects: () => ({ gateways: [] }),
    statusWrites: () => ({ source: 'file' }),
  };
  const get = async (p: string): Promise<{ code: number; type: string | null; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${server.port}${p}`, { signal: AbortSignal.timeout(5000) });
    return { code: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };

  beforeAll(async () => {
    server = await startDebugServer('127.0.0.1', 0, state);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is healthy at once, and ready only once the first snapshot is built', async () => {
    expect(await get('/healthz')).toMatchObject({ code: 200, body: 'ok\n' });
    expect(await get('/readyz')).toMatchObject({ code: 503, body: 'no snapshot built yet\n' });
    ready = true;
    expect(await get('/readyz')).toMatchObject({ code: 200, body: 'ready\n' });
  });

  it('answers YAML, or JSON with ?format=json, and passes the config_dump filters through', async () => {
    expect(await get('/proxies')).toMatchObject({ code: 200, type: 'text/yaml; charset=utf-8', body: '- nodeId: envoy-0\n  sync: SYNCED\n' });
    const json = await get('/config_dump?proxy=envoy-0&format=json');
    expect(json.type).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual([{ gateway: 'of envoy-0', resources: { listener: [] } }]);
    expect(JSON.parse((await get('/config_dump?gateway=default/gw&format=json')).body)[0].gateway).toBe('default/gw');
    expect(await get('/config_dump?proxy=nobody')).toMatchObject({ code: 404, body: 'no connected proxy with node id "nobody"; see /proxies\n' });
    expect(await get('/config_dump?gateway=x/y')).toMatchObject({ code: 404, body: 'no Gateway "x/y" is served\n' });
  });

  it('names the paths it has when asked for another, and has no /metrics without a registry', async () => {
    const unknown = await get('/nope');
    expect(unknown.code).toBe(404);
    expect(unknown.body).toContain('/proxies');
    expect((await get('/metrics')).code).toBe(404);
  });
});
