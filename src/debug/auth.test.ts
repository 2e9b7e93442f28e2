import { bearerToken, CACHE_TTL_MS, KubernetesDebugAuthorizer } from './auth';

interface Call {
  method: string;
  path: string;
  body: { spec: Record<string, unknown> };
}

/** The API server's side: tokens it knows, and which user may GET which paths. */
function fakeApi(
  users: Record<string, string>,
  grants: Record<string, string[]>,
): { calls: Call[]; request<T>(method: string, path: string, o?: { body?: unknown }): Promise<T>; down: boolean } {
  const api = {
    calls: [] as Call[],
    down: false,
    async request<T>(method: string, path: string, o: { body?: unknown } = {}): Promise<T> {
      const body = o.body as Call['body'];
      api.calls.push({ method, path, body });
      if (api.down) throw new Error('connect ECONNREFUSED 10.0.0.1:443');
      if (path.endsWith('/tokenreviews')) {
        const user = users[String(body.spec.token)];
        return {
          status: user ? { authenticated: true, user: { username: user, groups: ['system:authenticated'] } } : { authenticated: false, error: 'token expired' },
        } as T;
      }
      const attrs = body.spec.nonResourceAttributes as { path: string; verb: string };
      const allowed = (grants[String(body.spec.user)] ?? []).includes(attrs.path) && attrs.verb === 'get';
      return { status: { allowed, ...(allowed ? {} : { reason: 'no RBAC rule' }) } } as T;
    },
  };
  return api;
}

describe('bearerToken', () => {
  it('reads `Authorization: Bearer <token>` and nothing else', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('KubernetesDebugAuthorizer', () => {
  it('asks who the token is (TokenReview), then whether they may GET the path (SubjectAccessReview)', async () => {
    const api = fakeApi({ t1: 'system:serviceaccount:ops:dash' }, { 'system:serviceaccount:ops:dash': ['/proxies'] });
    const auth = new KubernetesDebugAuthorizer(api);
    expect(await auth.authorize('t1', '/proxies', 'get')).toEqual({ allowed: true, user: 'system:serviceaccount:ops:dash' });
    expect(api.calls.map((c) => c.path)).toEqual(['/apis/authentication.k8s.io/v1/tokenreviews', '/apis/authorization.k8s.io/v1/subjectaccessreviews']);
    expect(api.calls[1].body.spec).toEqual({
      user: 'system:serviceaccount:ops:dash',
      groups: ['system:authenticated'],
      nonResourceAttributes: { path: '/proxies', verb: 'get' },
    });
  });

  it('refuses no token (401), an unknown token (401), a path not granted (403), and fails closed when the API is down (503)', async () => {
    const api = fakeApi({ t1: 'alice' }, { alice: ['/proxies'] });
    const auth = new KubernetesDebugAuthorizer(api);
    expect(await auth.authorize(undefined, '/objects', 'get')).toMatchObject({ allowed: false, code: 401 });
    expect(await auth.authorize('forged', '/objects', 'get')).toEqual({ allowed: false, code: 401, reason: 'the token is not valid: token expired' });
    expect(await auth.authorize('t1', '/objects', 'get')).toEqual({
      allowed: false,
      code: 403,
      reason: 'alice may not get /objects: grant nonResourceURLs ["/objects"] verbs ["get"] (no RBAC rule)',
    });
    api.down = true;
    expect(await auth.authorize('t2', '/proxies', 'get')).toMatchObject({ allowed: false, code: 503 });
  });

  it('remembers an answer for a while, per token and path, and asks again after it', async () => {
    let now = 0;
    const api = fakeApi({ t1: 'alice' }, { alice: ['/proxies'] });
    const auth = new KubernetesDebugAuthorizer(api, () => now);
    await auth.authorize('t1', '/proxies', 'get');
    await auth.authorize('t1', '/proxies', 'get');
    expect(api.calls).toHaveLength(2);
    await auth.authorize('t1', '/ir', 'get');
    expect(api.calls).toHaveLength(4);
    now += CACHE_TTL_MS + 1;
    await auth.authorize('t1', '/proxies', 'get');
    expect(api.calls).toHaveLength(6);
  });
});
