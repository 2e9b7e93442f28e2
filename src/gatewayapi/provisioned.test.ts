/**
 * Provisioned mode (`--provision`): goldens of a Gateway's status and Envoy listeners for each
 * state of its generated Service (testdata/provisioned/<case>.in.yaml): addresses from the
 * load balancer's ingress, else the cluster IPs, else none (AddressNotAssigned); listeners bound
 * on the wildcard address, ports as --port-shift says.
 */
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubernetesObject } from '../apis/meta';
import { groupByKind } from '../store/resources';
import { expectGolden, goldenCases, readInput } from '../../test/support/golden';
import { DEFAULT_CONTROLLER_NAME, type TranslateOptions } from './options';
import { translate } from './translate';

const dir = path.join(__dirname, 'testdata', 'provisioned');
const OPTIONS: TranslateOptions = {
  controllerName: DEFAULT_CONTROLLER_NAME,
  // Ignored when provisioned: no Gateway gets these.
  defaultAddress: '127.0.0.1',
  addressPool: { base: 0x7f006401, size: 254 },
  privilegedPortShift: 10000,
  provisioned: true,
  now: '1970-01-01T00:00:00Z',
};

/** The objects as the Kubernetes source stores them (status.loadBalancer of Services included): not through file-mode validation, which refuses server fields. */
function objects(name: string): KubernetesObject[] {
  return parseAllDocuments(readInput(dir, name)).map((d) => d.toJS() as KubernetesObject);
}

describe('provisioned Gateways', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const result = translate(groupByKind(objects(name)), OPTIONS);
    const gateway = result.status.find((s) => s.kind === 'Gateway');
    if (gateway?.kind !== 'Gateway') throw new Error('no Gateway status');
    const out = {
      addresses: gateway.status.addresses,
      conditions: gateway.status.conditions.map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`),
      listeners: gateway.status.listeners.map((l) => `${l.name}: ${l.conditions.find((c) => c.type === 'Programmed')?.message}`),
      envoyListeners: result.gateways.flatMap((g) => g.listeners.map((l) => `${l.name} (${l.address}:${l.port})`)),
    };
    expectGolden(dir, name, stringify(out, { lineWidth: 0 }));
  });
});
