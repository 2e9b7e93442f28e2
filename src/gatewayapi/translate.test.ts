/**
 * Golden tests for Gateway API → IR: testdata/<case>.in.yaml holds Gateway API objects as
 * `kubectl apply` takes them; <case>.out.yaml holds every object's computed status, then the IR.
 */
import * as path from 'path';
import { stringify } from 'yaml';
import { parseManifests, formatSourceError } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind } from '../store/resources';
import { expectGolden, goldenCases, readInput } from '../../test/support/golden';
import { translate } from './translate';
import { DEFAULT_CONTROLLER_NAME } from './options';

const dir = path.join(__dirname, 'testdata');
const schemas = loadCrdSchemas();

export const TEST_OPTIONS = {
  controllerName: DEFAULT_CONTROLLER_NAME,
  defaultAddress: '127.0.0.1',
  privilegedPortShift: 10000,
  now: '1970-01-01T00:00:00Z',
};

describe('gatewayapi.translate goldens', () => {
  it.each(goldenCases(dir))('%s', (name) => {
    const parsed = parseManifests(`${name}.in.yaml`, readInput(dir, name), schemas);
    const result = translate(groupByKind(parsed.objects), TEST_OPTIONS, schemas.bundleVersion);
    const out = {
      inputErrors: parsed.errors.map(formatSourceError),
      status: result.status,
      ir: result.gateways,
    };
    expectGolden(dir, name, stringify(out, { lineWidth: 0, aliasDuplicateObjects: false }));
  });
});
