/**
 * `Programmed` from what the proxies run: goldens of one Gateway's status (testdata/programmed/
 * gateway.in.yaml) for each state of its proxies, and the rules they show.
 */
import * as path from 'path';
import { stringify } from 'yaml';
import { parseManifests } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind } from '../store/resources';
import { expectGolden, readInput } from '../../test/support/golden';
import { type GatewayStatusEntry } from './status';
import { type DataPlane, type GatewayDataPlane, withDataPlane } from './programmed';
import { DEFAULT_CONTROLLER_NAME } from './options';
import { translate } from './translate';

const dir = path.join(__dirname, 'testdata', 'programmed');
const schemas = loadCrdSchemas();
const NOW = '2026-01-01T00:00:00Z';
const KEY = 'default/gw';
const HTTP = 'listener/127.0.0.1/10080';
const GRPC = 'listener/127.0.0.1/8080';

const OPTIONS = { controllerName: DEFAULT_CONTROLLER_NAME, defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: '1970-01-01T00:00:00Z' };
const translated = translate(groupByKind(parseManifests('gateway.in.yaml', readInput(dir, 'gateway'), schemas).objects), OPTIONS);

function gatewayStatus(plane: DataPlane): GatewayStatusEntry {
  const entry = withDataPlane(translated.status, translated.listenerResources, plane, NOW).find((e) => e.kind === 'Gateway');
  return entry as GatewayStatusEntry;
}

/** Per condition type: `status/reason: message` (listeners by name), what the goldens show. */
function conditionsOf(entry: GatewayStatusEntry): object {
  const show = (cs: GatewayStatusEntry['status']['conditions']): Record<string, string> =>
    Object.fromEntries(cs.map((c) => [c.type, `${c.status}/${c.reason} (${c.lastTransitionTime}): ${c.message}`]));
  return { gateway: show(entry.status.conditions), listeners: Object.fromEntries(entry.status.listeners.map((l) => [l.name, show(l.conditions)])) };
}

const plane = (state: GatewayDataPlane): DataPlane => new Map([[KEY, state]]);

const STATES: Record<string, DataPlane> = {
  'no-proxy': new Map(),
  'connected-not-accepted': plane({
    connected: 2,
    current: false,
    listeners: new Set(),
    behind: 'proxy envoy-1 has not accepted Listener listener/127.0.0.1/10080 at version 0123456789abcdef',
  }),
  'one-listener-rejected': plane({
    connected: 1,
    current: false,
    listeners: new Set([GRPC]),
    behind: 'proxy envoy-1 rejected Listener listener/127.0.0.1/10080: cannot bind: Address already in use',
  }),
  current: plane({ connected: 1, current: true, listeners: new Set([HTTP, GRPC]) }),
};

describe('withDataPlane goldens', () => {
  it.each(Object.keys(STATES))('%s', (name) => {
    expectGolden(dir, name, stringify(conditionsOf(gatewayStatus(STATES[name])), { lineWidth: 0 }));
  });
});

describe('withDataPlane', () => {
  it('maps each served Gateway listener to its Envoy Listener', () => {
    expect(translated.listenerResources.get(KEY)).toEqual(
      new Map([
        ['http', HTTP],
        ['grpc', GRPC],
      ]),
    );
  });

  it('leaves the statuses as translated while a proxy runs everything', () => {
    expect(gatewayStatus(STATES.current)).toEqual(translated.status.find((e) => e.kind === 'Gateway'));
  });

  it('never turns a condition True, and keeps the reason of one False for another cause', () => {
    const entry = gatewayStatus(STATES['no-proxy']);
    const https = entry.status.listeners.find((l) => l.name === 'https')!;
    expect(https.conditions.find((c) => c.type === 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    for (const l of entry.status.listeners) expect(l.conditions.find((c) => c.type === 'Programmed')?.status).toBe('False');
  });

  it('while proxies may be reconnecting, marks a Gateway none runs (not written back) and only that one', () => {
    const status = (plane: DataPlane) =>
      withDataPlane(translated.status, translated.listenerResources, plane, NOW, { reconnecting: true }).find((e) => e.kind === 'Gateway');
    expect(status(STATES['no-proxy'])).toMatchObject({ awaitingProxies: true });
    expect(status(STATES.current)).not.toHaveProperty('awaitingProxies');
    expect(gatewayStatus(STATES['no-proxy'])).not.toHaveProperty('awaitingProxies');
  });

  it('does not change its input', () => {
    const before = JSON.stringify(translated.status);
    gatewayStatus(STATES['no-proxy']);
    expect(JSON.stringify(translated.status)).toBe(before);
  });
});
