/**
 * `attache validate` on BackendTrafficPolicy files (issue 15, item 3): the guide's YAML is
 * answered with what to write instead; one of ours is validated by its CRD's schema and rules.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statusCommand } from './status';
import { validateCommand } from './validate';

const SEED = path.join(__dirname, '..', 'sources', 'file', 'testdata', 'policies', 'seed-pattern5.yaml');

async function validate(args: string[], command: (argv: readonly string[]) => Promise<number> = validateCommand): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await command(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

// Loading the CRDs' schemas and CEL rules takes seconds on a busy machine; the last case runs two commands.
jest.setTimeout(30_000);

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

  it('warns that a gRPC health check and HTTP/2 keepalive on a port served over HTTP/1.1 are not applied, and status says so (exit 0: the rest applies)', async () => {
    fs.writeFileSync(
      path.join(dir, 'all.yaml'),
      [
        'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: attache}\nspec: {controllerName: attache.dev/gateway-controller}',
        'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec: {gatewayClassName: attache, listeners: [{name: http, port: 80, protocol: HTTP}]}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: http, port: 8080}]}',
        'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web}\nspec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: web, port: 8080}]}]}',
        'apiVersion: attache.dev/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: p}\nspec:\n  targetRefs: [{group: "", kind: Service, name: web}]\n  circuitBreaker: {maxConnections: 10}\n  healthCheck: {active: {type: GRPC}}\n  connection: {http2Keepalive: {interval: 10s}}',
      ].join('\n---\n'),
    );
    const { code, stdout } = await validate(['-f', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'warning: BackendTrafficPolicy default/p target Gateway gw: Programmed=True (PartiallyProgrammed): healthCheck.active and connection.http2Keepalive not applied to the HTTP/1.1 cluster of Service default/web port 8080',
    );
    expect(stdout).toContain('0 problems, 1 warnings');
    const status = await validate(['-f', dir], statusCommand);
    expect(status.stdout).toMatch(
      /BackendTrafficPolicy\s+default\/p → Gateway default\/gw\s+Accepted; Programmed=True \(PartiallyProgrammed\): healthCheck.active and/,
    );
  });
});
