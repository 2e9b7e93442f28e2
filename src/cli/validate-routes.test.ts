/**
 * `attache validate` on route files alone (no Gateway in the input): route-level checks run
 * whatever the parents, and a parentRef to a Gateway the input lacks is a warning, not an error.
 */
import * as path from 'path';
import { validateCommand } from './validate';

const dir = path.join(__dirname, 'testdata/validate');

async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  try {
    return { code: await validateCommand(args), stdout };
  } finally {
    out.mockRestore();
  }
}

describe('attache validate on a route file alone', () => {
  it('reports an invalid regex as an error naming the route and the field', async () => {
    const r = await run(['-f', path.join(dir, 'route-only-invalid-regex.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^error: GRPCRoute shop\/orders: spec\.rules\[0\]\.matches\[0\]\.method\.method: invalid regular expression .*\(any Gateway would drop this rule\)$/m,
    );
    expect(r.stdout).toMatch(/1 objects, 1 problems, 2 warnings\n$/);
  });

  it('warns, without failing, about a parentRef to a Gateway not in the input', async () => {
    const r = await run(['-f', path.join(dir, 'route-only-valid.yaml')]);
    expect(r.stdout).toBe(
      'warning: GRPCRoute shop/orders: spec.parentRefs[0]: Gateway infra/shared-gateway is not in the input: attachment to it (listeners, hostnames, allowedRoutes) is not checked\n' +
        'warning: GRPCRoute shop/orders: spec.rules[0].backendRefs[0]: Service shop/orders not found\n' +
        '1 objects, 0 problems, 2 warnings\n',
    );
    expect(r.code).toBe(0);
  });
});
