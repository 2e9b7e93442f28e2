/**
 * `attache proxies`: each proxy connected to a running control plane, which Gateway it serves,
 * and whether it is in sync — like `istioctl proxy-status`. The control plane decides the
 * verdict (debug/proxy-view.ts); this prints it. Exit code 0 when every proxy is SYNCED, 1
 * otherwise (or when the server cannot be reached), 2 on a usage error.
 *
 * The endpoint answers a page of at most 1,000 proxies (debug/proxy-page.ts); the exit code
 * still counts every proxy, and a line on stderr says how many were left out.
 */
import { stringify } from 'yaml';
import type { ProxyView } from '../debug/proxy-view';
import { DEFAULT_PAGE, MAX_PAGE, type ProxyPage } from '../debug/proxy-page';
import { fetchDebug } from './debug-client';
import { flag, type FlagSpec, parseFlags, usage, UsageError } from './flags';

const SPECS: FlagSpec[] = [
  { name: 'server', description: 'the control plane debug endpoint', default: 'http://127.0.0.1:18001' },
  { name: 'output', short: 'o', description: 'table, yaml or json (yaml and json: every field, e.g. versions and metadata)', default: 'table' },
  { name: 'limit', description: `proxies to show, at most ${MAX_PAGE}`, default: String(DEFAULT_PAGE) },
  { name: 'offset', description: 'proxies to skip first (oldest connection first)', default: '0' },
  { name: 'token', description: 'bearer token for a debug endpoint that asks for one (--debug-auth kubernetes), e.g. $(kubectl create token NAME)' },
  { name: 'help', description: 'show this help', boolean: true },
];

/** Table cells stay on one line; the whole message is in `-o yaml`. */
const MAX_DETAIL = 240;

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

function detail(p: ProxyView): string {
  const nacked = p.types.find((t) => t.lastNack);
  if (nacked?.lastNack) return clip(`NACK ${nacked.type} ${nacked.lastNack.resources.join(', ')}: ${nacked.lastNack.message}`);
  const r = p.rejected[0];
  if (r) return clip(`${r.object} rejected, ${r.served === 'left out' ? 'left out' : 'held at last accepted version'}: ${r.message}`);
  const pending = p.types.filter((t) => t.lastVersionSent !== t.lastVersionAcked).map((t) => t.type);
  const unanswered = p.types.filter((t) => t.lastVersionSent === '').map((t) => t.type);
  return [
    ...(pending.length > 0 ? [`waiting for ACK: ${pending.join(', ')}`] : []),
    // A subscription nothing was sent for: the proxy asked for names the snapshot lacks.
    ...(unanswered.length > 0 ? [`nothing sent yet: ${unanswered.join(', ')}`] : []),
    ...(p.types.length === 0 ? ['no subscription yet'] : []),
  ].join('; ');
}

export function proxiesTable(proxies: readonly ProxyView[]): string {
  const rows = [['NODE', 'GATEWAY', 'PROTOCOL', 'SYNC', 'DETAIL']];
  for (const p of proxies) rows.push([p.nodeId, p.gateway, p.protocol, p.sync, detail(p)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export async function proxiesCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('proxies', 'List the proxies connected to a running control plane and whether they are in sync (exit 1 if any is not).', SPECS));
    return 0;
  }
  const output = flag(parsed, 'output')!;
  if (!['table', 'yaml', 'json'].includes(output)) throw new UsageError(`--output: expected table, yaml or json, got "${output}"`);
  const [limit, offset] = [count(parsed, 'limit'), count(parsed, 'offset')];
  const page = (await fetchDebug(flag(parsed, 'server')!, `/proxies?format=json&limit=${limit}&offset=${offset}`, flag(parsed, 'token'))) as ProxyPage;
  const proxies = page.proxies;
  if (output === 'json') process.stdout.write(`${JSON.stringify(proxies, null, 2)}\n`);
  else if (output === 'yaml') process.stdout.write(stringify(proxies, { lineWidth: 0 }));
  else process.stdout.write(proxies.length > 0 ? proxiesTable(proxies) : page.total > 0 ? '' : 'no proxies connected\n');
  const note = leftOutNote(page);
  if (note) process.stderr.write(`attache proxies: ${note}\n`);
  return page.sync.STALE + page.sync.NACKED === 0 ? 0 : 1;
}

function count(parsed: ReturnType<typeof parseFlags>, name: string): number {
  const text = flag(parsed, name)!;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name}: expected a whole number, got "${text}"`);
  return Number(text);
}

/** What the page left out, and the state of every proxy, when it is not all of them. */
export function leftOutNote(page: ProxyPage): string | undefined {
  if (page.omitted === 0) return undefined;
  const shown = page.proxies.length;
  const from = shown > 0 ? `${page.offset + 1}-${page.offset + shown}` : 'none';
  return `showing ${from} of ${page.total} proxies (${page.omitted} left out; --offset, --limit up to ${MAX_PAGE}); all of them: ${page.sync.SYNCED} SYNCED, ${page.sync.STALE} STALE, ${page.sync.NACKED} NACKED`;
}
