/**
 * `attache translate -f FILE_OR_DIR`: offline, no server — the Envoy resources each Gateway's
 * proxies would get, encoded and decoded exactly as served (like `egctl x translate`).
 */
import { stringify } from 'yaml';
import { translateAll } from '../runner/translate-all';
import { formatSourceError } from '../sources/file/parse';
import { buildSnapshot } from '../xds/cache/snapshot';
import { configDump } from '../debug/config-dump';
import { ADS_PUSH_ORDER, SHORT_NAME, type TypeUrl } from '../xds/resources';
import { flag, flagList, type FlagSpec, parseFlags, usage, UsageError } from './flags';
import { loadFiles, offlineOptions } from './load-files';
import { statusProblems } from './validate';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';

const SPECS: FlagSpec[] = [
  { name: 'file', short: 'f', description: 'file or directory of Kubernetes YAML (repeatable)', repeatable: true },
  { name: 'type', description: 'listener, route, cluster, endpoint, secret or all', default: 'all' },
  { name: 'output', short: 'o', description: 'yaml or json', default: 'yaml' },
  { name: 'controller-name', description: 'GatewayClass controllerName to act as', default: DEFAULT_CONTROLLER_NAME },
  { name: 'help', description: 'show this help', boolean: true },
];

function typesFor(type: string): TypeUrl[] {
  if (type === 'all') return [...ADS_PUSH_ORDER];
  const match = ADS_PUSH_ORDER.filter((t) => SHORT_NAME[t] === type);
  if (match.length === 0) throw new UsageError(`--type: expected listener, route, cluster, endpoint, secret or all, got "${type}"`);
  return match;
}

/**
 * The translation of some files, one entry per Gateway: what `attache translate` prints.
 * `errors`: input errors (the object is left out); `warnings`: status problems (a route not
 * accepted, a backend not found), which explain why something is missing from the output.
 */
async function translateFiles(
  paths: readonly string[],
  types: readonly TypeUrl[],
  controllerName = DEFAULT_CONTROLLER_NAME,
): Promise<{ gateways: object[]; errors: string[]; warnings: string[] }> {
  const { resources, errors, schemas } = await loadFiles(paths);
  const result = translateAll(resources, offlineOptions(controllerName), schemas.bundleVersion);
  const gateways = [...result.resources.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([gateway, envoy]) => ({ gateway, ...configDump(buildSnapshot(envoy), types) }));
  return { gateways, errors: errors.map(formatSourceError), warnings: statusProblems(result.status) };
}

/** What `attache translate` prints: one YAML document per Gateway, or one JSON array. */
function renderTranslation(gateways: readonly object[], output: 'yaml' | 'json'): string {
  if (output === 'json') return `${JSON.stringify(gateways, null, 2)}\n`;
  return gateways.map((g) => `---\n${stringify(g, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

export async function translateCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('translate', "Print the Envoy resources each Gateway's proxies would get (offline).", SPECS));
    return 0;
  }
  const paths = [...flagList(parsed, 'file'), ...parsed.positional];
  if (paths.length === 0) throw new UsageError('give the manifests with -f FILE_OR_DIR');
  const output = flag(parsed, 'output')!;
  if (output !== 'yaml' && output !== 'json') throw new UsageError(`--output: expected yaml or json, got "${output}"`);
  const { gateways, errors, warnings } = await translateFiles(paths, typesFor(flag(parsed, 'type')!), flag(parsed, 'controller-name'));
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(renderTranslation(gateways, output));
  return errors.length > 0 ? 1 : 0;
}
