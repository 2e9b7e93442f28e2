/**
 * `attache validate` on BackendTrafficPolicy files (issue 15, item 3): the guide's YAML is
 * answered with what to write instead; one of ours is validated by its CRD's schema and rules.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateCommand } from './validate';

const SEED = path.join(__dirname, '..', 'sources', 'file', 'testdata', 'policies', 'seed-pattern5.yaml');

async function validate(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await validateCommand(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('attache validate on BackendTrafficPolicy', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-policy-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("answers the guide's Pattern 5 with our apiVersion and the fields to rename, exit 1", async () => {
    const { code, stdout } = await validate(['-f', SEED]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'seed-pattern5.yaml: document 1: BackendTrafficPolicy app/user-service-retry: apiVersion: gateway.networking.k8s.io/v1alpha3 does not serve kind BackendTrafficPolicy',
    );
    expect(stdout).toContain('write apiVersion attache.dev/v1alpha1');
    expect(stdout).toContain(
      'seed-pattern5.yaml: document 1: BackendTrafficPolicy app/user-service-retry: spec.retry.backoff.defaultDuration: write retry.backoff.baseInterval',
    );
    expect(stdout).toContain('seed-pattern5.yaml: document 2: BackendTrafficPolicy app/user-service-timeout: spec.rateLimit.type: Global rate limits');
  });

  it('reports a CEL rule of our CRD by file, object and field, exit 1', async () => {
    fs.writeFileSync(
      path.join(dir, 'p.yaml'),
      'apiVersion: attache.dev/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: p}\nspec:\n  targetRefs: [{group: "", kind: Service, name: echo}]\n  loadBalancer: {type: ConsistentHash}\n',
    );
    const { code, stdout } = await validate(['-f', dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'p.yaml: document 1: BackendTrafficPolicy default/p: spec.loadBalancer: consistentHash is set exactly when type is ConsistentHash',
    );
  });

  it('accepts a valid policy (no error about it)', async () => {
    fs.writeFileSync(
      path.join(dir, 'p.yaml'),
      'apiVersion: attache.dev/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: p}\nspec:\n  targetRefs: [{group: "", kind: Service, name: echo}]\n  loadBalancer: {type: ConsistentHash, consistentHash: {header: {name: x-user}}}\n',
    );
    const { stdout } = await validate(['-f', dir]);
    expect(stdout).not.toMatch(/p\.yaml: document 1/);
  });
});
