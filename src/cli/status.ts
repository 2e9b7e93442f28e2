/**
 * `attache status`: the conditions of every GatewayClass, Gateway and route Attaché owns: a
 * table by default (status-table.ts), or as kubectl would show them (`-o yaml`, one document per
 * object; `-o json`). From files (`--path`, translated
 * offline, nothing served) or from a running control plane's debug endpoint (`--server`).
 */
import { stringify } from 'yaml';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';
import { type StatusEntry } from '../gatewayapi/status';
import { translate } from '../gatewayapi/translate';
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
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: entry.kind,
    metadata: {
      name: entry.name,
      ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}),
      ...(entry.generation !== undefined ? { generation: entry.generation } : {}),
    },
    status: entry.status,
  };
}

function renderStatus(entries: readonly StatusEntry[], output: string): string {
  if (output === 'table') return statusTable(entries);
  const objects = entries.map(asObject);
  if (output === 'json') return `${JSON.stringify(objects, null, 2)}\n`;
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

async function statusFromFiles(paths: string[], controllerName: string): Promise<{ entries: StatusEntry[]; errors: string[] }> {
  const { resources, errors, schemas } = await loadFiles(paths);
  const { status } = translate(resources, offlineOptions(controllerName), schemas.bundleVersion);
  return { entries: status, errors: errors.map(formatSourceError) };
}

async function statusFromServer(server: string): Promise<StatusEntry[]> {
  return (await fetchDebug(server, '/status?format=json')) as StatusEntry[];
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
  const { entries, errors } = await statusFromFiles(paths.length > 0 ? paths : ['examples'], flag(parsed, 'controller-name')!);
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  process.stdout.write(renderStatus(entries, output));
  return errors.length > 0 ? 1 : 0;
}
