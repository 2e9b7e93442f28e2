/** How CLI commands read a running control plane's debug endpoint (`--server URL`). */
import { CommandError } from './flags';

const TIMEOUT_MS = 10_000;

/** GETs `path` (JSON) from the debug endpoint at `server`; errors name the URL and what went wrong. */
export async function fetchDebug(server: string, path: string): Promise<unknown> {
  const url = `${server.replace(/\/$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CommandError(`--server: cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}; is attache serve running with that --debug-address?`);
  }
  if (!res.ok) throw new CommandError(`--server: ${url} answered HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new CommandError(`--server: ${url} did not answer JSON; is it an attache debug endpoint?`);
  }
}
