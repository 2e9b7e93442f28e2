/**
 * The offline commands on hostile or outdated files (issue 13, items 4 and 9): an error naming
 * the file, never a stack trace; `validate --fix` rewrites a v1alpha2 GRPCRoute.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statusCommand } from './status';
import { translateCommand } from './translate';
import { validateCommand } from './validate';

const TESTDATA = path.join(__dirname, '..', 'sources', 'file', 'testdata');

async function run(command: (argv: readonly string[]) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await command(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('offline commands on hostile files', () => {
  it.each([
    ['alias.yaml', /alias\.yaml: document 1: YAML: Unresolved alias/],
    ['bomb.yaml', /bomb\.yaml: document 1: YAML: Excessive alias count/],
  ])('validate, translate and status report %s as an error naming it, exit 1', async (name, message) => {
    const file = path.join(TESTDATA, name);
    const validate = await run(validateCommand, ['-f', file]);
    expect(validate).toMatchObject({ code: 1, stdout: expect.stringMatching(message) });
    const translate = await run(translateCommand, ['-f', file]);
    expect(translate).toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    const status = await run(statusCommand, ['--path', file]);
    expect(status).toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
  });
});

describe('attache validate --fix', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-fix-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ROUTE =
    '# from a blog\napiVersion: gateway.networking.k8s.io/v1alpha2\nkind: GRPCRoute\nmetadata: {name: r}\nspec:\n  rules: [{backendRefs: [{name: b, port: 8080}]}]\n';

  it('without --fix: the error says to use v1; with it: the file says v1, and the rest of the file is unchanged', async () => {
    const file = path.join(dir, 'route.yaml');
    fs.writeFileSync(file, ROUTE);
    const before = await run(validateCommand, ['-f', dir]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /route\.yaml: document 1: GRPCRoute default\/r: apiVersion: .*use apiVersion gateway\.networking\.k8s\.io\/v1 \(same fields\)/,
    );
    const fixed = await run(validateCommand, ['--fix', '-f', dir]);
    expect(fixed.stdout).toMatch(
      /fixed: .*route\.yaml: document 1: GRPCRoute: apiVersion gateway\.networking\.k8s\.io\/v1alpha2 -> gateway\.networking\.k8s\.io\/v1\n/,
    );
    expect(fixed.stdout).not.toMatch(/error: .*apiVersion/);
    expect(fs.readFileSync(file, 'utf8')).toBe(ROUTE.replace('v1alpha2', 'v1'));
  });

  it('skips kinds Attaché does not consume with one info line, not errors', async () => {
    fs.writeFileSync(
      path.join(dir, 'app.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    );
    const r = await run(validateCommand, ['-f', dir]);
    expect(r).toMatchObject({
      code: 0,
      stdout: 'info: skipped 2 objects of kinds Attaché does not consume: ConfigMap (1), Deployment (1)\n0 objects, 0 problems\n',
    });
  });
});
