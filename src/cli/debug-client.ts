/** How CLI commands read a running control plane's debug endpoint (`--server URL`). */
import { CommandError } from './flags';

const TIMEOUT_MS = 10_000;

/** Where a bearer token comes from when a command has no --token: the debug endpoint may ask for one (`--debug-auth kubernetes`). */
const TOKEN_ENV = 'ATTACHE_TOKEN';

/**
 * GETs `path` (JSON) from the debug endpoint at `server`, with `token` (default $ATTACHE_TOKEN)
 * as a bearer token when there is one; errors name the URL and what went wrong.
 */
export async function fetchDebug(server: string, path: string, token: string | undefined = process.env[TOKEN_ENV]): Promise<unknown> {
  const url = `${server.replace(/\/$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CommandError(
      `--server: cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}; is attache serve running with that --debug-address?`,
    );
  }
  if (res.status === 401 || res.status === 403) {
    // The endpoint's reason names what is missing (a token, or the RBAC grant).
    throw new CommandError(
      `--server: ${url} answered HTTP ${res.status}: ${(await res.text()).trim()}${token ? '' : ` (no token given: --token or $${TOKEN_ENV})`}`,
    );
  }
  if (!res.ok) throw new CommandError(`--server: ${url} answered HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new CommandError(`--server: ${url} did not answer JSON; is it an attache debug endpoint?`);
  }
}
