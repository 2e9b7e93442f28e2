/**
 * `attache serve`: the control plane. Reads Gateway API objects from files (watched), serves
 * xDS (ADS, SotW and Delta) to Envoy, and the debug endpoint. Every flag can also be set by an
 * environment variable (see --help).
 */
import pino from 'pino';
import { DEFAULT_CONTROLLER_NAME, TranslateOptions } from '../gatewayapi/options';
import { parseAddressPool } from '../gatewayapi/addresses';
import { FileSource } from '../sources/file/file-source';
import { formatSourceError, SourceError } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { Store } from '../store/store';
import { Coalescer } from '../pipeline/coalescer';
import { Reconciler } from '../pipeline/reconciler';
import { SnapshotCache } from '../xds/cache/snapshot-cache';
import { nodeKeyFromCluster } from '../xds/cache/node-key';
import { createXdsServer } from '../xds/server/ads';
import { startDebugServer } from '../debug/server';
import { debugState } from './debug-state';
import { flag, flagList, FlagSpec, parseFlags, parseHostPort, usage, UsageError } from './flags';

const SPECS: FlagSpec[] = [
  { name: 'path', description: 'file or directory of Kubernetes YAML to serve (repeatable)', repeatable: true },
  { name: 'xds-address', description: 'where the xDS (ADS) gRPC server listens', default: '127.0.0.1:18000' },
  { name: 'debug-address', description: 'where the debug HTTP endpoint listens', default: '127.0.0.1:18001' },
  { name: 'controller-name', description: 'GatewayClass controllerName handled by this control plane', default: DEFAULT_CONTROLLER_NAME },
  { name: 'default-address', description: 'bind address for Gateways without spec.addresses', default: '127.0.0.1' },
  { name: 'address-pool', description: 'give each Gateway without spec.addresses its own address from this CIDR (e.g. 127.0.100.0/24)' },
  { name: 'port-shift', description: 'added to Gateway listener ports below 1024 (80 binds 10080); 0 to disable', default: '10000' },
  { name: 'log-level', description: 'trace, debug, info, warn or error', default: 'info' },
  { name: 'help', description: 'show this help', boolean: true },
];

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('serve', 'Serve Gateway API objects from files to Envoy over xDS.', SPECS));
    return 0;
  }
  const paths = [...flagList(parsed, 'path'), ...parsed.positional];
  if (paths.length === 0) paths.push('examples');
  const log = pino({ level: flag(parsed, 'log-level') }, pino.destination({ dest: 2, sync: true }));
  const pool = flag(parsed, 'address-pool');
  let addressPool: ReturnType<typeof parseAddressPool> | undefined;
  try {
    addressPool = pool ? parseAddressPool(pool) : undefined;
  } catch (e) {
    throw new UsageError(`--address-pool: ${(e as Error).message}`);
  }
  const options = (): TranslateOptions => ({
    controllerName: flag(parsed, 'controller-name')!,
    defaultAddress: flag(parsed, 'default-address')!,
    addressPool,
    privilegedPortShift: Number(flag(parsed, 'port-shift')),
    now: new Date().toISOString(),
  });
  const schemas = loadCrdSchemas();
  const source = new FileSource(paths, schemas);
  const store = new Store();
  const cache = new SnapshotCache({ nodeKey: nodeKeyFromCluster });
  const reconciler = new Reconciler(store, cache, options, log, schemas.bundleVersion);
  let errors: SourceError[] = [];

  const reload = (): void => {
    const snap = source.load();
    errors = snap.errors;
    for (const e of snap.errors) log.error({ file: e.file, document: e.document, object: e.object, field: e.field }, formatSourceError(e));
    if (store.replaceAll(snap.objects) || !reconciler.ready()) reconciler.reconcile();
  };
  reload();
  const coalescer = new Coalescer({ quietMs: 10, maxDelayMs: 200 }, reload);
  source.watch(() => coalescer.notify());

  const xds = createXdsServer({ cache, logger: log });
  const xdsAddr = parseHostPort(flag(parsed, 'xds-address')!, 'xds-address');
  const xdsPort = await xds.listen(`${xdsAddr.host}:${xdsAddr.port}`);
  const debugAddr = parseHostPort(flag(parsed, 'debug-address')!, 'debug-address');
  const debug = await startDebugServer(debugAddr.host, debugAddr.port, debugState(reconciler, store, () => errors, xds));
  log.info({ xds: `${xdsAddr.host}:${xdsPort}`, debug: `http://${debugAddr.host}:${debug.port}`, paths }, 'attache serving');
  // One plain line on stdout that scripts and tests wait for.
  process.stdout.write(`attache: xDS on ${xdsAddr.host}:${xdsPort}, debug on http://${debugAddr.host}:${debug.port}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  coalescer.cancel();
  source.close();
  await Promise.all([xds.shutdown(), debug.close()]);
  return 0;
}
