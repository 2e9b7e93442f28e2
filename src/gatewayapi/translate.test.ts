/**
 * Golden tests for Gateway API → IR: testdata/<case>.in.yaml holds Gateway API objects as
 * `kubectl apply` takes them; <case>.out.yaml holds every object's computed status, then the IR.
 * What is the same in every case is shown once (see test/support/golden.ts): the GatewayClass's
 * status by the `gatewayclass` case, and replaced by a reference in the others where equal; its
 * supportedFeatures by supported-features.test.ts's golden, referred to where it is exactly
 * supportedFeatures().
 */
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { stringify } from 'yaml';
import { parseManifests, formatSourceError } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind } from '../store/resources';
import { expectGolden, goldenCases, readInput } from '../../test/support/golden';
import { translate } from './translate';
import { DEFAULT_CONTROLLER_NAME } from './options';
import { supportedFeatures } from './supported-features';

const dir = path.join(__dirname, 'testdata');
const schemas = loadCrdSchemas();

export const TEST_OPTIONS = {
  controllerName: DEFAULT_CONTROLLER_NAME,
  defaultAddress: '127.0.0.1',
  privilegedPortShift: 10000,
  now: '1970-01-01T00:00:00Z',
};

/** What a GatewayClass's status.supportedFeatures shows when it is the list of its own golden. */
const SAME_AS_SUPPORTED_FEATURES_GOLDEN = 'supportedFeatures(), as in testdata/gatewayclass/supported-features.out.yaml';

/** The case whose output shows the status of an accepted GatewayClass. */
const GATEWAYCLASS = 'gatewayclass';
const SAME_AS_GATEWAYCLASS_CASE = `as in ${GATEWAYCLASS}.out.yaml`;

type Statuses = ReturnType<typeof translate>['status'];

function translateCase(name: string): { inputErrors: string[]; status: Statuses; ir: ReturnType<typeof translate>['gateways'] } {
  const parsed = parseManifests(`${name}.in.yaml`, readInput(dir, name), schemas);
  const result = translate(groupByKind(parsed.objects), TEST_OPTIONS, schemas.bundleVersion);
  return { inputErrors: parsed.errors.map(formatSourceError), status: result.status, ir: result.gateways };
}

/**
 * The statuses, each GatewayClass's replaced by a reference where it equals `shown` (the
 * `gatewayclass` case's), else its supportedFeatures where exactly supportedFeatures().
 */
function leaveOutRepeated(statuses: Statuses, shown?: unknown): unknown[] {
  const all = supportedFeatures();
  return statuses.map((s) => {
    if (s.kind !== 'GatewayClass') return s;
    if (shown !== undefined && isDeepStrictEqual(s.status, shown)) return { ...s, status: SAME_AS_GATEWAYCLASS_CASE };
    if (isDeepStrictEqual(s.status.supportedFeatures, all)) return { ...s, status: { ...s.status, supportedFeatures: SAME_AS_SUPPORTED_FEATURES_GOLDEN } };
    return s;
  });
}

const stringifyOutput = (out: object): string => stringify(out, { lineWidth: 0, aliasDuplicateObjects: false });

describe('gatewayapi.translate goldens', () => {
  const gatewayClass = translateCase(GATEWAYCLASS);
  const shown = gatewayClass.status.find((s) => s.kind === 'GatewayClass')?.status;

  it(`${GATEWAYCLASS} (the GatewayClass status the other cases refer to)`, () => {
    expect(shown).toBeDefined();
    expectGolden(dir, GATEWAYCLASS, stringifyOutput({ ...gatewayClass, status: leaveOutRepeated(gatewayClass.status) }));
  });

  it.each(goldenCases(dir).filter((name) => name !== GATEWAYCLASS))('%s', (name) => {
    const out = translateCase(name);
    expectGolden(dir, name, stringifyOutput({ ...out, status: leaveOutRepeated(out.status, shown) }));
  });
});
