/**
 * Golden tests for the policy stage: testdata/<case>.in.yaml holds a Gateway, routes, Services
 * and BackendTrafficPolicies; <case>.out.yaml the traffic policy of every forwarding IR route
 * (`none` where no policy reaches it) and of every cluster, then each policy's status.
 *
 * Every case also checks the stage's promise that it only adds: the IR with every
 * `trafficPolicy` taken out equals gatewayapi's, and the status entries of other kinds are
 * gatewayapi's, unchanged.
 *
 * BackendTrafficPolicies are read as written (YAML, namespace defaulted), not through the CRD
 * schema and CEL rules, so these goldens show the stage alone, whatever file-mode validation
 * rejects before it; the other kinds go through parseManifests as in `attache validate`.
 */
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { type BackendTrafficPolicy } from '../apis/policy';
import { type KubernetesObject } from '../apis/meta';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';
import { translate } from '../gatewayapi/translate';
import { type GatewayIR } from '../ir/types';
import { formatSourceError, parseManifests } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind, type Resources } from '../store/resources';
import { expectGolden, goldenCases, readInput } from '../../test/support/golden';
import { applyTrafficPolicies } from './apply';

const dir = path.join(__dirname, 'testdata');
const schemas = loadCrdSchemas();

const OPTIONS = { controllerName: DEFAULT_CONTROLLER_NAME, defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: '1970-01-01T00:00:00Z' };

function load(name: string): { resources: Resources; inputErrors: string[] } {
  const text = readInput(dir, name);
  const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  const isPolicy = (o: unknown): o is BackendTrafficPolicy => typeof o === 'object' && o !== null && (o as KubernetesObject).kind === 'BackendTrafficPolicy';
  const others = docs.filter((o) => o !== null && !isPolicy(o));
  const parsed = parseManifests(`${name}.in.yaml`, others.map((o) => `---\n${stringify(o)}`).join(''), schemas);
  const policies = docs.filter(isPolicy);
  return { resources: groupByKind([...parsed.objects, ...policies]), inputErrors: parsed.errors.map(formatSourceError) };
}

/** The IR without any traffic policy: what gatewayapi alone gives. */
function withoutPolicies(gateways: readonly GatewayIR[]): unknown {
  return JSON.parse(JSON.stringify(gateways, (key, value: unknown) => (key === 'trafficPolicy' ? undefined : value))) as unknown;
}

function policyView(gateways: readonly GatewayIR[]): unknown {
  return gateways.map((g) => ({
    gateway: g.key,
    routes: g.listeners.flatMap((l) =>
      l.filterChains.flatMap((c) =>
        c.virtualHosts.flatMap((vh) =>
          vh.routes
            .filter((r) => r.action.kind === 'forward')
            .map((r) => ({ at: `${c.name} ${vh.name}`, route: r.name, trafficPolicy: r.trafficPolicy ?? 'none' })),
        ),
      ),
    ),
    clusters: g.clusters.map((c) => ({ cluster: c.name, trafficPolicy: c.trafficPolicy ?? 'none' })),
  }));
}

describe('policy.applyTrafficPolicies goldens', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const { resources, inputErrors } = load(name);
    const translated = translate(resources, OPTIONS);
    const out = applyTrafficPolicies(resources, translated, OPTIONS);
    expect(withoutPolicies(out.gateways)).toEqual(withoutPolicies(translated.gateways));
    expect(out.status.filter((s) => s.kind !== 'BackendTrafficPolicy')).toEqual(translated.status);
    expect(out.routeFindings).toEqual(translated.routeFindings);
    const policyStatus = out.status.filter((s) => s.kind === 'BackendTrafficPolicy');
    expectGolden(dir, name, stringify({ inputErrors, ir: policyView(out.gateways), status: policyStatus }, { lineWidth: 0, aliasDuplicateObjects: false }));
  });

  it('without policies, returns what gatewayapi gave, the same object', () => {
    const { resources } = load('merge-levels');
    const none = { ...resources, backendTrafficPolicies: [] };
    const translated = translate(none, OPTIONS);
    expect(applyTrafficPolicies(none, translated, OPTIONS)).toBe(translated);
  });
});
