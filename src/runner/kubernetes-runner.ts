/**
 * The change loop of `attache serve --source kubernetes`: informers feed the Store, the reconciler rebuilds as in
 * file mode, and the status of our GatewayClasses, Gateways and routes is written back; with `provision`, each
 * Gateway's Envoys are created (provisioner/, provision-applier.ts).
 *
 * Nothing is translated before every kind has been listed once: a rebuild from a partial view
 * would tell Envoy to drop routes whose Gateway was simply not listed yet, and would write
 * `NoMatchingParent` onto routes that have one.
 */
import { randomUUID } from 'crypto';
import * as os from 'os';
import type { Logger } from 'pino';
import { Coalescer } from './coalescer';
import { type Reconciler } from './reconciler';
import { HttpKubeClient, type KubeClient, KubernetesStatusClient } from '../sources/kubernetes/kube-client';
import { KubernetesSource } from '../sources/kubernetes/kubernetes-source';
import { DEFAULT_LEASE_TIMING, LeaderElector } from '../sources/kubernetes/leader-election';
import { KubernetesStatusWriter } from '../status/kubernetes-writer';
import type { RunningSource } from './running-source';
import { type Store } from '../store/store';
import type { AttacheMetrics } from '../metrics/registry';
import { type ProvisionOptions } from '../provisioner/options';
import { provision } from '../provisioner/provision';
import { ProvisionApplier } from './provision-applier';
import { type IssuerCa } from './xds-client-certificate';
import { XdsClientIssuer } from './xds-client-issuer';

export interface KubernetesRunnerOptions {
  /** A kubeconfig file; without it, as kubectl: $KUBECONFIG, ~/.kube/config, then in-cluster. */
  kubeconfig?: string;
  controllerName: string;
  /** With several replicas: only the holder of this Lease writes status; every replica serves xDS. */
  leaderElection?: { namespace: string; name: string };
  store: Store;
  reconciler: Reconciler;
  log: Logger;
  metrics?: AttacheMetrics;
  /** Create each Gateway's Envoys (src/provisioner); unset: unmanaged, Envoys are run by someone else. */
  provision?: ProvisionOptions;
  /** With `provision`: issue each provisioned Gateway's xDS client certificate (xds-client-issuer.ts); unset: someone else writes those Secrets. */
  xdsIssuer?: { ca: IssuerCa; trustDomain: string };
  /**
   * Told of every change of leadership (leaderElection only), before the status of a new leader
   * is written: serve.ts puts xDS in standby on a follower and restarts the reconnect grace.
   */
  onLeadership?: (leader: boolean) => void;
}

/** A running Kubernetes change loop: it always reports its status writes. */
export type RunningKubernetesSource = Required<Pick<RunningSource, 'statusWrites'>> & RunningSource;

const SYNC_REPORT_EVERY_MS = 10_000;
const STOP_WRITES_WITHIN_MS = 5000;

export async function startKubernetesRunner(o: KubernetesRunnerOptions): Promise<RunningKubernetesSource> {
  const client = await HttpKubeClient.connect(o.kubeconfig);
  const source = new KubernetesSource(client, o.log);
  const writer = new KubernetesStatusWriter({
    controllerName: o.controllerName,
    api: new KubernetesStatusClient(client),
    observed: (kind, namespace, name) => source.observedObject(kind, namespace, name),
    observedAll: (kind) => source.observedObjects(kind),
    log: o.log,
    onWrite: (kind, result) => o.metrics?.recordStatusWrite(kind, result),
  });
  const elector = o.leaderElection && startLeaderElection(client, o.leaderElection, o.log);
  const leading = (): boolean => !elector || elector.isLeader();
  // Like status, the provisioned objects are written by the leader only.
  const applier = o.provision && new ProvisionApplier({ client, log: o.log.child({ component: 'provisioner' }) });
  const issuer =
    o.provision &&
    o.xdsIssuer &&
    new XdsClientIssuer({ client, log: o.log.child({ component: 'xds-issuer' }), ca: o.xdsIssuer.ca, trustDomain: o.xdsIssuer.trustDomain });
  if (o.provision && !o.xdsIssuer) {
    o.log.warn(
      'no --xds-issuer-ca-cert/--xds-issuer-ca-key: provisioned Envoy Pods wait until someone writes their Secret attache-<gateway>-xds (tls.crt, tls.key, ca.crt)',
    );
  }
  // What the provisioner reads: a rebuild for anything else (EndpointSlices, mostly) skips it.
  let provisionedFrom: unknown[] = [];
  const provisionNow = (force = false): void => {
    if (!applier || !o.provision || !leading()) return;
    const r = o.store.resources();
    const inputs = [...r.gatewayClasses, ...r.gateways, ...r.gatewayParameters];
    // The store hands out the same object until it changes, so identity is enough.
    if (!force && inputs.length === provisionedFrom.length && inputs.every((x, i) => x === provisionedFrom[i])) return;
    provisionedFrom = inputs;
    const result = provision(r, o.provision);
    // Their status says why too (Accepted=False, InvalidParameters); logged once per change.
    for (const k of result.kept) o.log.warn({ gateway: k.gateway, problem: k.problem }, 'provisioned objects left as they are');
    applier.sync(result);
    issuer?.sync(result);
  };
  const rebuild = (seenAt: number): void => {
    if (!source.hasSynced()) return;
    const changed = o.store.apply(source.drain());
    if (!changed && o.reconciler.ready()) return;
    o.reconciler.reconcile(seenAt);
    provisionNow();
  };
  // Every status change reaches the API: rebuilds, and also proxy rejections (NACKs), which
  // change conditions between rebuilds.
  o.reconciler.onStatusChange((status) => {
    if (leading()) writer.update(status);
  });
  elector?.onChange((leader) => {
    writer.reset();
    o.onLeadership?.(leader);
    // A new leader catches up at once with what the last rebuild computed.
    if (leader && o.reconciler.ready()) writer.update(o.reconciler.status());
    applier?.reset();
    issuer?.reset();
    if (leader && o.reconciler.ready()) provisionNow(true);
  });
  const coalescer = new Coalescer({ quietMs: 10, maxDelayMs: 200 }, rebuild);
  source.start(() => coalescer.notify());
  o.log.info({ server: client.serverUrl }, 'watching the Kubernetes API');
  const report = setInterval(() => {
    if (!source.hasSynced()) o.log.warn({ waitingFor: source.unsyncedKinds() }, 'not every kind is listed yet; nothing is translated until they are');
  }, SYNC_REPORT_EVERY_MS);
  report.unref();
  return {
    statusWrites: () => ({
      ...writer.counters(),
      leader: leading(),
      ...(applier ? { provisioned: applier.counters() } : {}),
      ...(issuer ? { xdsClientCertificates: issuer.counters() } : {}),
    }),
    leading: elector ? leading : undefined,
    stop: async () => {
      clearInterval(report);
      await elector?.stop();
      coalescer.cancel();
      await source.stop();
      applier?.stop();
      issuer?.stop();
      writer.stop();
      await Promise.all([writer.idle(STOP_WRITES_WITHIN_MS), applier?.idle(STOP_WRITES_WITHIN_MS), issuer?.idle()]);
      client.close();
    },
  };
}

function startLeaderElection(client: KubeClient, lease: { namespace: string; name: string }, log: Logger): LeaderElector {
  // client-go's default identity: the host (the Pod's name in a cluster) plus a unique suffix.
  const identity = `${os.hostname()}_${randomUUID()}`;
  const elector = new LeaderElector(client, { ...lease, identity, ...DEFAULT_LEASE_TIMING }, log);
  elector.start();
  return elector;
}
