/**
 * `attache serve`: the control plane. Reads Gateway API objects from files (watched) or from the
 * Kubernetes API (`--source kubernetes`: informers, status written back), serves xDS (ADS, SotW
 * and Delta) to Envoy, and the debug endpoint. Every flag can also be set by an environment
 * variable (see --help).
 */
import type { Logger } from 'pino';
import { DEFAULT_CONTROLLER_NAME, type TranslateOptions } from '../gatewayapi/options';
import { parseAddressPool } from '../gatewayapi/addresses';
import { DEFAULT_SETTLE_MS } from '../sources/file/limits';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { Store } from '../store/store';
import { Reconciler } from '../runner/reconciler';
import { startFileRunner } from '../runner/file-runner';
import type { RunningSource } from '../runner/running-source';
import { SnapshotCache } from '../xds/cache/snapshot-cache';
import { nodeKeyFromCluster } from '../xds/cache/node-key';
import { createXdsServer, type XdsServer } from '../xds/server/ads';
import { xdsServerCredentials, XdsTlsError, XdsTlsFileProvider } from '../xds/server/tls';
import { combineCallbacks } from '../xds/server/callbacks';
import { AttacheMetrics } from '../metrics/registry';
import { debugState } from './debug-state';
import { DEBUG_FLAGS, debugListenerConfig, startDebugListeners } from './serve-debug';
import { createLogger } from './logger';
import { type KubernetesRunnerOptions, startKubernetesRunner } from '../runner/kubernetes-runner';
import { DataPlaneStatus } from '../runner/data-plane-status';
import { flag, flagList, type FlagSpec, type ParsedFlags, parseFlags, parseHostPort, usage, UsageError } from './flags';
import { XDS_TRANSPORT_FLAGS, xdsTransport } from './xds-transport';
import { XDS_LIMIT_FLAGS, xdsLimits } from './xds-limits';
import { PROVISION_FLAGS, provisionOptions, xdsIssuerCa } from './provision-flags';

/** Why a follower refuses xDS streams (UNAVAILABLE: Envoy retries, through the Service, to the leader). */
const XDS_STANDBY = 'this replica is a standby (it does not hold the leader Lease); reconnect to the leader';

const SPECS: FlagSpec[] = [
  { name: 'source', description: 'where objects come from: file (--path) or kubernetes (--kubeconfig)', default: 'file' },
  { name: 'path', description: 'file or directory of Kubernetes YAML to serve (repeatable; file source)', repeatable: true },
  {
    name: 'file-settle-ms',
    description: 'file source: a file written in place is read once unchanged (size, mtime, inode) for this many ms; a rename into place is read at once',
    default: String(DEFAULT_SETTLE_MS),
  },
  { name: 'kubeconfig', description: 'kubeconfig for --source kubernetes (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  { name: 'xds-address', description: 'where the xDS (ADS) gRPC server listens', default: '127.0.0.1:18000' },
  ...XDS_TRANSPORT_FLAGS,
  ...XDS_LIMIT_FLAGS,
  ...DEBUG_FLAGS,
  {
    name: 'leader-elect',
    description:
      'with several replicas: only the holder of a coordination Lease serves xDS, writes status and is ready (/readyz); the others are standbys (kubernetes source)',
    boolean: true,
  },
  { name: 'leader-elect-namespace', description: 'namespace of the leader election Lease', default: 'default' },
  { name: 'leader-elect-name', description: 'name of the leader election Lease', default: 'attache-leader' },
  { name: 'controller-name', description: 'GatewayClass controllerName handled by this control plane', default: DEFAULT_CONTROLLER_NAME },
  { name: 'default-address', description: 'bind address for Gateways without spec.addresses', default: '127.0.0.1' },
  { name: 'address-pool', description: 'give each Gateway without spec.addresses its own address from this CIDR (e.g. 127.0.100.0/24)' },
  { name: 'port-shift', description: 'added to Gateway listener ports below 1024 (80 binds 10080); 0 to disable', default: '10000' },
  ...PROVISION_FLAGS,
  {
    name: 'log-level',
    description: 'trace, debug, info, warn, error, fatal or silent (JSON lines on stderr; pretty when stderr is a terminal)',
    default: 'info',
  },
  { name: 'help', description: 'show this help', boolean: true },
];

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('serve', 'Serve Gateway API objects from files or the Kubernetes API to Envoy over xDS.', SPECS));
    return 0;
  }
  const sourceKind = flag(parsed, 'source');
  if (sourceKind !== 'file' && sourceKind !== 'kubernetes') throw new UsageError(`--source: must be file or kubernetes, got "${sourceKind}"`);
  const paths = [...flagList(parsed, 'path'), ...parsed.positional];
  if (sourceKind === 'kubernetes' && paths.length > 0) throw new UsageError('--path: not used with --source kubernetes');
  if (paths.length === 0) paths.push('examples');
  const log = createLogger({ level: flag(parsed, 'log-level')! });
  // Checked before anything starts: a control plane that cannot serve xDS safely must not run.
  const xdsAddr = parseHostPort(flag(parsed, 'xds-address')!, 'xds-address');
  const tlsProvider = startXdsTls(parsed, xdsAddr.host, log);
  const provisioning = sourceKind === 'kubernetes' && flag(parsed, 'provision') === 'true';
  const issuerCa = await xdsIssuerCa(parsed, provisioning, tlsProvider?.trustDomain);
  debugListenerConfig(parsed);
  const limits = xdsLimits(parsed);
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
    // Provisioned Envoys (Kubernetes mode, --provision): wildcard bind, addresses from the Gateway's Service.
    provisioned: provisioning,
    now: new Date().toISOString(),
  });
  const schemas = loadCrdSchemas();
  const store = new Store();
  const cache = new SnapshotCache({ nodeKey: nodeKeyFromCluster });
  // The reconciler's Gateways, read at each scrape: only they become `gateway` label values.
  const metrics = new AttacheMetrics({ processMetrics: true, gateways: (): string[] => reconciler.gatewayKeys() });
  const reconciler = new Reconciler(store, cache, options, log, schemas.bundleVersion, { metrics });
  // Kubernetes mode: Programmed only while a proxy runs the configuration (before the first
  // status write). File mode keeps the translated status: its conditions are read by people
  // and tests that start Envoy after the control plane; `attache proxies` shows what runs.
  const dataPlane = sourceKind === 'kubernetes' ? new DataPlaneStatus(reconciler) : undefined;
  // Under leader election only the leader serves xDS (and is ready): the status writer counts
  // the proxies connected to itself, so they must all be there. A follower is a hot standby.
  const served: { xds?: XdsServer } = {};
  const onLeadership = (leader: boolean): void => {
    if (leader) dataPlane?.restartGrace();
    served.xds?.setStandby(leader ? undefined : XDS_STANDBY);
  };
  const source: RunningSource =
    sourceKind === 'kubernetes'
      ? await startKubernetesRunner({
          ...kubernetesOptions(parsed, store, reconciler, log),
          metrics,
          onLeadership,
          xdsIssuer: issuerCa && tlsProvider ? { ca: issuerCa, trustDomain: tlsProvider.trustDomain } : undefined,
        })
      : await startFileRunner({ paths, settleMs: fileSettleMs(parsed), schemas, store, reconciler, log });

  const xds = createXdsServer({
    cache,
    logger: log,
    limits,
    callbacks: combineCallbacks(metrics.xdsCallbacks(), reconciler.proxyCallbacks(), ...(dataPlane ? [dataPlane.callbacks()] : [])),
    authorization: { trustDomain: tlsProvider?.trustDomain },
  });
  dataPlane?.attach(() => xds.proxies());
  served.xds = xds;
  if (source.leading && !source.leading()) xds.setStandby(XDS_STANDBY);
  const xdsPort = await xds.listen(`${xdsAddr.host}:${xdsAddr.port}`, tlsProvider && xdsServerCredentials(tlsProvider.provider));
  const state = {
    ...debugState(
      reconciler,
      store,
      () => source.errors?.() ?? [],
      xds,
      () => source.statusWrites?.(),
      source.leading,
    ),
    metrics,
  };
  const debug = await startDebugListeners(parsed, state, log);
  const from = sourceKind === 'kubernetes' ? { kubeconfig: flag(parsed, 'kubeconfig') ?? 'default' } : { paths };
  log.info({ xds: `${xdsAddr.host}:${xdsPort}`, xdsTls: tlsProvider ? 'mtls' : 'plaintext', ...debug.urls, ...from }, 'attache serving');
  // One plain line on stdout that scripts and tests wait for.
  const health = debug.urls.health ? `, health on ${debug.urls.health}` : '';
  process.stdout.write(`attache: xDS on ${xdsAddr.host}:${xdsPort} (${tlsProvider ? 'mTLS' : 'plaintext'}), debug on ${debug.urls.debug}${health}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  dataPlane?.stop();
  await source.stop();
  await Promise.all([xds.shutdown(), debug.close()]);
  tlsProvider?.provider.stop();
  return 0;
}

/**
 * The mTLS certificate files, read and checked now, and the trust domain of client identities
 * (xds/server/authorization.ts); undefined for (allowed) plaintext.
 */
function startXdsTls(parsed: ParsedFlags, xdsHost: string, log: Logger): { provider: XdsTlsFileProvider; trustDomain: string } | undefined {
  const transport = xdsTransport(parsed, xdsHost);
  if (transport.kind === 'plaintext') {
    log.info({ xdsHost }, 'xDS served without TLS (--xds-plaintext): only processes on this machine can connect');
    return undefined;
  }
  try {
    log.info(
      { trustDomain: transport.trustDomain },
      'xDS clients get only the Gateways their certificate names (URI SAN spiffe://<trust domain>/ns/<namespace>/gateway/<name>)',
    );
    return { provider: new XdsTlsFileProvider(transport.files, log.child({ component: 'xds-tls' })), trustDomain: transport.trustDomain };
  } catch (e) {
    if (e instanceof XdsTlsError) throw new UsageError(e.message);
    throw e;
  }
}

function kubernetesOptions(parsed: ParsedFlags, store: Store, reconciler: Reconciler, log: Logger): KubernetesRunnerOptions {
  const lease = { namespace: flag(parsed, 'leader-elect-namespace')!, name: flag(parsed, 'leader-elect-name')! };
  return {
    kubeconfig: flag(parsed, 'kubeconfig'),
    controllerName: flag(parsed, 'controller-name')!,
    leaderElection: flag(parsed, 'leader-elect') === 'true' ? lease : undefined,
    provision: provisionOptions(parsed),
    store,
    reconciler,
    log,
  };
}

function fileSettleMs(parsed: ParsedFlags): number {
  const value = flag(parsed, 'file-settle-ms')!;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms > 60_000) throw new UsageError(`--file-settle-ms: expected milliseconds from 0 to 60000, got "${value}"`);
  return ms;
}
