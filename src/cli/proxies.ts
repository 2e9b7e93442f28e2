/**
 * `attache proxies`: each proxy connected to a running control plane, which Gateway it serves,
 * and whether it is in sync (every type it subscribes to ACKed at the version last sent, no
 * NACK outstanding) — like `istioctl proxy-status`.
 */
import { flag, FlagSpec, parseFlags, usage, UsageError } from './flags';

const SPECS: FlagSpec[] = [
  { name: 'server', description: 'the control plane debug endpoint', default: 'http://127.0.0.1:18001' },
  { name: 'output', short: 'o', description: 'table or json', default: 'table' },
  { name: 'help', description: 'show this help', boolean: true },
];

interface TypeState {
  typeUrl: string;
  lastVersionSent?: string;
  lastVersionAcked?: string;
  lastNack?: { message?: string; errorDetail?: { message?: string } };
}

interface Connection {
  nodeId?: string;
  nodeCluster?: string;
  key?: string;
  protocol: string;
  peer?: string;
  types: TypeState[];
}

export function inSync(c: Connection): boolean {
  return c.types.every((t) => !t.lastNack && t.lastVersionSent !== undefined && t.lastVersionSent === t.lastVersionAcked);
}

function shortType(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

export function proxiesTable(connections: readonly Connection[]): string {
  const rows = [['NODE', 'GATEWAY', 'PROTOCOL', 'SYNC', 'DETAIL']];
  for (const c of connections) {
    const nack = c.types.find((t) => t.lastNack);
    const pending = c.types.filter((t) => t.lastVersionSent !== t.lastVersionAcked).map((t) => shortType(t.typeUrl));
    const detail = nack
      ? `NACK ${shortType(nack.typeUrl)}: ${nack.lastNack?.errorDetail?.message ?? nack.lastNack?.message ?? ''}`
      : pending.length > 0 ? `waiting for ACK: ${pending.join(', ')}` : '';
    rows.push([c.nodeId ?? '?', c.key ?? c.nodeCluster ?? '?', c.protocol, inSync(c) ? 'SYNCED' : nack ? 'NACKED' : 'STALE', detail]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

export async function proxiesCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('proxies', 'List the proxies connected to a running control plane and whether they are in sync.', SPECS));
    return 0;
  }
  const url = `${flag(parsed, 'server')!.replace(/\/$/, '')}/proxies?format=json`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new UsageError(`--server: cannot reach ${url}: ${(e as Error).message}`);
  }
  const connections = (await res.json()) as Connection[];
  process.stdout.write(flag(parsed, 'output') === 'json' ? `${JSON.stringify(connections, null, 2)}\n` : proxiesTable(connections));
  return connections.every(inSync) ? 0 : 1;
}
