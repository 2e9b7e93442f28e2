/**
 * `attache serve`'s debug listeners. The debug endpoint shows every object, every proxy and
 * every route (never key material: debug/redact.ts), so it listens on loopback unless callers
 * must prove who they are (`--debug-auth kubernetes`: a bearer token checked with TokenReview
 * and SubjectAccessReview, debug/auth.ts). Probes and Prometheus get a listener of their own
 * (`--health-address`) that serves /healthz, /readyz and /metrics only, so exposing them never
 * exposes the rest.
 */
import type { Logger } from 'pino';
import { KubernetesDebugAuthorizer, type DebugAuthorizer } from '../debug/auth';
import { startDebugServer, type DebugState } from '../debug/server';
import { HttpKubeClient } from '../sources/kubernetes/kube-client';
import { flag, type FlagSpec, type ParsedFlags, parseHostPort, UsageError } from './flags';
import { isLoopbackHost } from './xds-transport';

export const DEBUG_FLAGS: FlagSpec[] = [
  {
    name: 'debug-address',
    description: 'where the debug HTTP endpoint listens (every path); a non-loopback address needs --debug-auth kubernetes',
    default: '127.0.0.1:18001',
  },
  {
    name: 'debug-auth',
    description:
      'none, or kubernetes: every debug path but /healthz and /readyz needs a bearer token that the API server (TokenReview) maps to a user RBAC allows to GET that path (nonResourceURLs)',
    default: 'none',
  },
  {
    name: 'health-address',
    description: 'also serve /healthz, /readyz and /metrics, and nothing else, here (e.g. 0.0.0.0:18002 for kubelet probes and Prometheus)',
  },
];

export interface DebugListeners {
  /** Where they listen, for the "serving" line. */
  urls: { debug: string; health?: string };
  close(): Promise<void>;
}

/** The flags, checked before anything listens. */
export function debugListenerConfig(parsed: ParsedFlags): {
  debug: { host: string; port: number };
  auth: 'none' | 'kubernetes';
  health?: { host: string; port: number };
} {
  const debug = parseHostPort(flag(parsed, 'debug-address')!, 'debug-address');
  const auth = flag(parsed, 'debug-auth');
  if (auth !== 'none' && auth !== 'kubernetes') throw new UsageError(`--debug-auth: expected none or kubernetes, got "${auth}"`);
  if (auth === 'none' && !isLoopbackHost(debug.host)) {
    throw new UsageError(
      `--debug-address: ${debug.host} is not loopback, and the debug endpoint shows every object and proxy; add --debug-auth kubernetes, ` +
        'or keep it on loopback and use --health-address for probes and metrics',
    );
  }
  const healthFlag = flag(parsed, 'health-address');
  return { debug, auth, ...(healthFlag !== undefined ? { health: parseHostPort(healthFlag, 'health-address') } : {}) };
}

export async function startDebugListeners(parsed: ParsedFlags, state: DebugState, log: Logger): Promise<DebugListeners> {
  const config = debugListenerConfig(parsed);
  let authorizer: DebugAuthorizer | undefined;
  let kube: HttpKubeClient | undefined;
  if (config.auth === 'kubernetes') {
    kube = await HttpKubeClient.connect(flag(parsed, 'kubeconfig'));
    authorizer = new KubernetesDebugAuthorizer(kube);
  }
  const debugLog = log.child({ component: 'debug' });
  const debug = await startDebugServer(config.debug.host, config.debug.port, state, {
    authorizer,
    // 401s are whoever knocks (debug level); a known user refused is worth a warning.
    onRefused: (path, code, reason) =>
      code === 401 ? debugLog.debug({ path, code, reason }, 'debug request refused') : debugLog.warn({ path, code, reason }, 'debug request refused'),
  });
  const health = config.health && (await startDebugServer(config.health.host, config.health.port, state, { endpoints: 'health' }));
  return {
    urls: {
      debug: `http://${config.debug.host}:${debug.port}${authorizer ? ' (bearer token)' : ''}`,
      ...(health && config.health ? { health: `http://${config.health.host}:${health.port}` } : {}),
    },
    close: async () => {
      await Promise.all([debug.close(), health?.close()]);
      kube?.close();
    },
  };
}
