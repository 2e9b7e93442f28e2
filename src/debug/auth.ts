/**
 * Who may read the debug endpoint when it listens beyond loopback (`--debug-auth kubernetes`):
 * the caller sends `Authorization: Bearer <token>` (a service-account token, `kubectl create
 * token`, or a user's OIDC token); the API server says who that is (TokenReview) and whether
 * they may GET that path (SubjectAccessReview with non-resource attributes, as the API server's
 * own /metrics and /debug paths are authorized, and as kube-rbac-proxy does). RBAC grants it:
 *
 *   rules: [{nonResourceURLs: ["/config_dump", "/proxies", ...], verbs: [get]}]
 *
 * The control plane's service account needs `create` on tokenreviews and subjectaccessreviews
 * (the built-in `system:auth-delegator` ClusterRole; the chart binds it when the endpoint is
 * exposed).
 *
 * Answers are cached briefly per (token, path, verb), at most MAX_CACHED of them, so a
 * dashboard polling `/proxies` does not cost two API calls per poll; a revoked token or binding
 * takes effect within CACHE_TTL_MS. Errors of the API server deny (fail closed) and are not cached.
 */
import { createHash } from 'crypto';
import type { KubeClient } from '../sources/kubernetes/kube-client';

export type AccessDecision = { allowed: true; user: string } | { allowed: false; code: 401 | 403 | 503; reason: string };

export interface DebugAuthorizer {
  /** @param token the bearer token, undefined when the request carries none */
  authorize(token: string | undefined, path: string, verb: string): Promise<AccessDecision>;
}

export const CACHE_TTL_MS = 10_000;
const MAX_CACHED = 1024;
const REVIEW_TIMEOUT_MS = 5000;

interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

interface SubjectAccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export class KubernetesDebugAuthorizer implements DebugAuthorizer {
  private readonly cache = new Map<string, { decision: AccessDecision; until: number }>();

  constructor(
    private readonly api: Pick<KubeClient, 'request'>,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(token: string | undefined, path: string, verb: string): Promise<AccessDecision> {
    if (token === undefined) return { allowed: false, code: 401, reason: 'send a Kubernetes bearer token: Authorization: Bearer <token>' };
    // The token itself is never kept: only its hash names the cache entry.
    const key = `${createHash('sha256').update(token).digest('hex')} ${verb} ${path}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.decision;
    this.cache.delete(key);
    let decision: AccessDecision;
    try {
      decision = await this.review(token, path, verb);
    } catch (e) {
      return { allowed: false, code: 503, reason: `cannot check the token with the Kubernetes API: ${(e as Error).message}` };
    }
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { decision, until: this.now() + CACHE_TTL_MS });
    return decision;
  }

  private async review(token: string, path: string, verb: string): Promise<AccessDecision> {
    const tokenReview = await this.api.request<{ status?: TokenReviewStatus }>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      timeoutMs: REVIEW_TIMEOUT_MS,
    });
    const status = tokenReview.status ?? {};
    const user = status.user?.username;
    if (!status.authenticated || user === undefined)
      return { allowed: false, code: 401, reason: `the token is not valid${status.error ? `: ${status.error}` : ''}` };
    const access = await this.api.request<{ status?: SubjectAccessReviewStatus }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user,
          ...(status.user?.uid !== undefined ? { uid: status.user.uid } : {}),
          groups: status.user?.groups ?? [],
          ...(status.user?.extra !== undefined ? { extra: status.user.extra } : {}),
          nonResourceAttributes: { path, verb },
        },
      },
      timeoutMs: REVIEW_TIMEOUT_MS,
    });
    if (access.status?.allowed === true) return { allowed: true, user };
    const why = access.status?.reason ? ` (${access.status.reason})` : '';
    return { allowed: false, code: 403, reason: `${user} may not ${verb} ${path}: grant nonResourceURLs ["${path}"] verbs ["${verb}"]${why}` };
  }
}
