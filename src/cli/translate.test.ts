/**
 * `attache translate -f examples` is itself a golden file
 * (src/cli/testdata/translate/examples.out.yaml): the whole pipeline, files to Envoy resources,
 * exactly as the command prints it. `make golden` rewrites it; any drift fails here.
 */
import * as path from 'path';
import { PROJECT_ROOT } from '../project-root';
import { expectGolden } from '../../test/support/golden';
import { translateCommand } from './translate';
import { statusProblems } from './validate';
import { loadFiles, offlineOptions } from './load-files';
import { translate } from '../gatewayapi/translate';
import { UsageError } from './flags';

const dir = path.join(__dirname, 'testdata/translate');
const EXAMPLES = path.join(PROJECT_ROOT, 'examples');

/** Runs the command as `attache translate ARGS` would, returning its exit code and stdout/stderr. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await translateCommand(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('attache translate', () => {
  it('prints the Envoy resources of every Gateway in the examples (golden)', async () => {
    const r = await run(['-f', EXAMPLES]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectGolden(dir, 'examples', r.stdout);
  });

  it('prints one type as JSON with --type and -o json', async () => {
    const r = await run(['-f', EXAMPLES, '--type', 'route', '-o', 'json']);
    const gateways = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(gateways[0])).toEqual(['gateway', 'route']);
  });

  it('rejects an unknown type or output, naming the flag', async () => {
    await expect(run(['-f', EXAMPLES, '--type', 'routes'])).rejects.toThrow(
      new UsageError('--type: expected listener, route, cluster, endpoint, secret or all, got "routes"'),
    );
    await expect(run(['-f', EXAMPLES, '-o', 'xml'])).rejects.toThrow(new UsageError('--output: expected yaml or json, got "xml"'));
  });
});

describe('attache validate', () => {
  it('finds no problem in the examples', async () => {
    const { resources, errors, schemas } = await loadFiles([EXAMPLES]);
    expect(errors).toEqual([]);
    expect(statusProblems(translate(resources, offlineOptions(), schemas.bundleVersion).status)).toEqual([]);
  });
});
