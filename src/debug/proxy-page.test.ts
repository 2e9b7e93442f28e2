import { DEFAULT_PAGE, MAX_PAGE, proxyPage } from './proxy-page';
import { startDebugServer, type DebugState } from './server';
import { manyProxies, manyProxiesBySync } from '../../test/support/proxy-views';

const many = manyProxies;
const counts = manyProxiesBySync;

describe('proxyPage', () => {
  it('cuts a page, says how many are left out, and counts every proxy by sync state', () => {
    const page = proxyPage(many, { offset: 1100, limit: 500 });
    expect(page).toMatchObject({ total: 1200, offset: 1100, limit: 500, omitted: 1100, sync: counts });
    expect(page.proxies.map((p) => p.nodeId)).toEqual(many.slice(1100).map((p) => p.nodeId));
    expect(proxyPage(many, { offset: 5000, limit: 10 })).toMatchObject({ omitted: 1200, proxies: [] });
  });

  it('is bounded on the wire: 1,200 proxies answer at most MAX_PAGE, DEFAULT_PAGE unless asked', async () => {
    const state = { proxies: (page) => proxyPage(many, page) } as Pick<DebugState, 'proxies'> as DebugState;
    const server = await startDebugServer('127.0.0.1', 0, state);
    try {
      const get = async (q: string): Promise<{ total: number; omitted: number; proxies: unknown[] }> =>
        (await (await fetch(`http://127.0.0.1:${server.port}/proxies?format=json${q}`, { signal: AbortSignal.timeout(5000) })).json()) as {
          total: number;
          omitted: number;
          proxies: unknown[];
        };
      expect(await get('')).toMatchObject({ total: 1200, omitted: 1200 - DEFAULT_PAGE });
      expect((await get('')).proxies).toHaveLength(DEFAULT_PAGE);
      expect((await get('&limit=100000')).proxies).toHaveLength(MAX_PAGE);
    } finally {
      await server.close();
    }
  });
});
