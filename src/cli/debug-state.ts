/** Adapts the running control plane to what the debug endpoint shows. */
import { type DebugState } from '../debug/server';
import { formatSourceError, type SourceError } from '../sources/file/parse';
import { type Reconciler } from '../runner/reconciler';
import { configDump } from '../debug/config-dump';
import { proxyViews } from '../debug/proxy-view';
import { proxyPage } from '../debug/proxy-page';
import type { XdsServer } from '../xds/server/ads';
import { type Store } from '../store/store';
import type { StatusWriteCounters } from '../status/kubernetes-writer';

export function debugState(
  reconciler: Reconciler,
  store: Store,
  errors: () => SourceError[],
  xds: XdsServer,
  statusWrites: () => StatusWriteCounters | undefined = () => undefined,
  /** Under leader election: whether this replica leads; a follower is not ready (it serves no xDS). */
  leading?: () => boolean,
): DebugState {
  return {
    standby: leading && (() => !leading()),
    statusWrites: () => statusWrites() ?? { source: 'file', note: 'status is written back in Kubernetes mode only' },
    ready: () => reconciler.ready(),
    status: () => reconciler.status(),
    errors: () => errors().map(formatSourceError),
    proxies: (page) =>
      proxyPage(
        proxyViews(xds.connections(), (gateway) => reconciler.proxyRejections(gateway)),
        page,
      ),
    configDump: ({ gateway, proxy }) => {
      // A proxy's own view: what it rejected may be held back for it alone.
      const connection = proxy !== undefined ? xds.connections().find((c) => c.nodeId === proxy) : undefined;
      const served = proxy !== undefined ? connection?.key : gateway;
      const stream = connection?.streamId;
      if ((proxy !== undefined || gateway !== undefined) && (served === undefined || !reconciler.snapshot(served, stream))) return undefined;
      const keys = served !== undefined ? [served] : reconciler.gatewayKeys();
      return keys.map((key) => ({ gateway: key, resources: configDump(reconciler.snapshot(key, stream)) }));
    },
    ir: () => reconciler.ir(),
    // Secret data, private keys and last-applied annotations are taken out by the server, for
    // every path at once (debug/redact.ts).
    objects: () => store.resources(),
  };
}
