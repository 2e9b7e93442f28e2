/** Adapts the running control plane to what the debug endpoint shows. */
import { DebugState } from '../debug/server';
import { formatSourceError, SourceError } from '../sources/file/parse';
import { Reconciler } from '../pipeline/reconciler';
import { configDump } from '../xds/config-dump';
import type { XdsServer } from '../xds/server/ads';

export function debugState(reconciler: Reconciler, errors: () => SourceError[], xds: XdsServer): DebugState {
  return {
    ready: () => reconciler.ready(),
    status: () => reconciler.status(),
    errors: () => errors().map(formatSourceError),
    proxies: () => xds.connections(),
    configDump: (gateway) => {
      const keys = gateway ? [gateway] : reconciler.gatewayKeys();
      return keys.map((key) => ({ gateway: key, resources: configDump(reconciler.snapshot(key)) }));
    },
  };
}
