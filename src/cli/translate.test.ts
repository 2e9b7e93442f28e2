/**
 * `attache translate` over the bundled examples is itself a golden file
 * (src/cli/testdata/translate/examples.out.yaml): the whole pipeline, files to Envoy resources.
 */
import * as path from 'path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../project-root';
import { ADS_PUSH_ORDER } from '../xds/resources';
import { expectGolden } from '../testing/golden';
import { translateFiles } from './translate';
import { statusProblems } from './validate';
import { loadFiles, offlineOptions } from './load-files';
import { translate } from '../gatewayapi/translate';

const dir = path.join(__dirname, 'testdata/translate');

describe('attache translate', () => {
  it('turns the examples into the Envoy resources of their Gateway', () => {
    const { gateways, errors } = translateFiles([path.join(PROJECT_ROOT, 'examples')], ADS_PUSH_ORDER);
    expect(errors).toEqual([]);
    expectGolden(dir, 'examples', stringify(gateways, { lineWidth: 0, aliasDuplicateObjects: false }));
  });
});

describe('attache validate', () => {
  it('finds no problem in the examples', () => {
    const { resources, errors, schemas } = loadFiles([path.join(PROJECT_ROOT, 'examples')]);
    expect(errors).toEqual([]);
    expect(statusProblems(translate(resources, offlineOptions(), schemas.bundleVersion).status)).toEqual([]);
  });
});
