/**
 * Golden tests for Gateway API → IR: testdata/<case>.in.yaml holds Gateway API objects as
 * `kubectl apply` takes them; <case>.out.yaml holds every object's computed status, then the IR.
 * A GatewayClass's supportedFeatures, the same in every case, is left out where it is exactly
 * supportedFeatures() (see test/support/golden.ts); supported-features.test.ts has the list.
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

/** The statuses, each GatewayClass's supportedFeatures replaced by the marker where it is exactly supportedFeatures(). */
function leaveOutSupportedFeatures(statuses: ReturnType<typeof translate>['status']): unknown[] {
  const all = supportedFeatures();
  return statuses.map((s) => {
    if (s.kind !== 'GatewayClass' || !isDeepStrictEqual(s.status.supportedFeatures, all)) return s;
    return { ...s, status: { ...s.status, supportedFeatures: SAME_AS_SUPPORTED_FEATURES_GOLDEN } };
  });
}

describe('gatewayapi.translate goldens', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const parsed = parseManifests(`${name}.in.yaml`, readInput(dir, name), schemas);
    const result = translate(groupByKind(parsed.objects), TEST_OPTIONS, schemas.bundleVersion);
    const out = {
      inputErrors: parsed.errors.map(formatSourceError),
      status: leaveOutSupportedFeatures(result.status),
      ir: result.gateways,
    };
    expectGolden(dir, name, stringify(out, { lineWidth: 0, aliasDuplicateObjects: false }));
  });
});
