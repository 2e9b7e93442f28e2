/**
 * `attache status`: the conditions of every GatewayClass, Gateway, route and BackendTrafficPolicy
 * Attaché owns: a table by default (status-table.ts), which also lists for each route the
 * policies in effect, or as kubectl would show them (`-o yaml`, one document per object; `-o json`).
 * From files (`--path`, translated offline, nothing served) or from a running control plane's
 * debug endpoint (`--server`: `/status`, and `/ir` for the policies in effect, read back from
 * the IR the proxies are served, policy/policies-in-effect.ts).
 */
import { stringify } from 'yaml';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';
import { type StatusEntry } from '../gatewayapi/status';
import { type GatewayIR } from '../ir/types';
import { translateWithPolicies } from '../runner/translate-all';
import { policiesInEffect } from '../policy/policies-in-effect';
import { BACKEND_TRAFFIC_POLICY_API_VERSION } from '../apis/policy';
import { formatSourceError } from '../sources/file/parse';
import { loadFiles, offlineOptions } from './load-files';
import { fetchDebug } from './debug-client';
import { statusTable } from './status-table';
import { flag, flagList, type FlagSpec, parseFlags, usage, UsageError } from './flags';

const SPECS: FlagSpec[] = [
  { name: 'path', short: 'f', description: 'file or directory of Kubernetes YAML to compute status for (repeatable)', repeatable: true },
  { name: 'server', description: 'a running control plane debug endpoint, e.g. http://127.0.0.1:18001' },
  { name: 'controller-name', description: 'GatewayClass controllerName to act as (with --path)', default: DEFAULT_CONTROLLER_NAME },
  { name: 'output', short: 'o', description: 'table (conditions, problems spelled out), or the full status as yaml or json', default: 'table' },
  { name: 'help', description: 'show this help', boolean: true },
];

/** A status entry as the Kubernetes object it belongs to. */
function asObject(entry: StatusEntry): object {
  return {
    apiVersion: entry.kind === 'BackendTrafficPolicy' ? BACKEND_TRAFFIC_POLICY_API_VERSION : 'gateway.networking.k8s.io/v1',
    kind: entry.kind,
    metadata: {
      name: entry.name,
      ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}),
      ...(entry.generation !== undefined ? { generation: entry.generation } : {}),
    },
    status: entry.status,
  };
}

interface Computed {
  entries: StatusEntry[];
  /** `Kind namespace/name` of a route → the policies in effect for it. */
  policies: ReadonlyMap<string, readonly string[]>;
}

function renderStatus({ entries, policies }: Computed, output: string): string {
  if (output === 'table') return statusTable(entries, policies);
  const objects = entries.map(asObject);
  if (output === 'json') return `${JSON.stringify(objects, null, 2)}\n`;
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

async function statusFromFiles(paths: string[], controllerName: string): Promise<Computed & { errors: string[] }> {
  const { resources, errors, schemas } = await loadFiles(paths);
  const options = offlineOptions(controllerName);
  const { status, gateways } = translateWithPolicies(resources, options, schemas.bundleVersion);
  return { entries: status, policies: policiesInEffect(gateways), errors: errors.map(formatSourceError) };
}

async function statusFromServer(server: string): Promise<Computed> {
  const entries = (await fetchDebug(server, '/status?format=json')) as StatusEntry[];
  const ir = (await fetchDebug(server, '/ir?format=json')) as GatewayIR[];
  return { entries, policies: policiesInEffect(Array.isArray(ir) ? ir : []) };
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('status', 'Show the status conditions of every object Attaché owns.', SPECS));
    return 0;
  }
  const output = flag(parsed, 'output')!;
  if (!['table', 'yaml', 'json'].includes(output)) throw new UsageError(`--output: expected table, yaml or json, got "${output}"`);
  const server = flag(parsed, 'server');
  const paths = [...flagList(parsed, 'path'), ...parsed.positional];
  if (server && paths.length > 0) throw new UsageError('give either --path or --server, not both');
  if (server) {
    process.stdout.write(renderStatus(await statusFromServer(server), output));
    return 0;
  }
  const { errors, ...computed } = await statusFromFiles(paths.length > 0 ? paths : ['examples'], flag(parsed, 'controller-name')!);
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  process.stdout.write(renderStatus(computed, output));
  return errors.length > 0 ? 1 : 0;
}
