/**
 * `attache validate` and `attache status` isolate a policy that makes the policy stage throw (a
 * bug, provoked here by a stand-in for applyTrafficPolicies that throws whenever the policy named
 * `boom` is among its input), as the serve loop does (runner/translate-all.ts): that policy is
 * one problem, reported on its targets, and the other policies still apply. Before, both
 * commands called the stage without isolation and failed as a whole.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as PolicyApply from '../policy/apply';
import { statusCommand } from './status';
import { validateCommand } from './validate';

jest.mock('../policy/apply', () => {
  const actual = jest.requireActual<typeof PolicyApply>('../policy/apply');
  return {
    ...actual,
    applyTrafficPolicies: (...args: Parameters<typeof actual.applyTrafficPolicies>): ReturnType<typeof actual.applyTrafficPolicies> => {
      if (args[0].backendTrafficPolicies.some((p) => p.metadata.name === 'boom')) throw new Error('boom: a bug in the policy stage');
      return actual.applyTrafficPolicies(...args);
    },
  };
});

const MANIFESTS = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: attache}
spec: {controllerName: attache.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: attache
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec: {ports: [{name: grpc, port: 8080, appProtocol: kubernetes.io/h2c}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: echo, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: echo, port: 8080}]}]
---
apiVersion: attache.dev/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: retry, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: GRPCRoute, name: echo}]
  retry: {attempts: 2}
---
apiVersion: attache.dev/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: boom, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: echo}]
  circuitBreaker: {maxConnections: 10}
`;

async function run(command: (argv: readonly string[]) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string }> {
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

// Loading the CRDs' schemas and CEL rules takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('validate and status with a policy that makes the policy stage throw', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-isolation-'));
    fs.writeFileSync(path.join(dir, 'all.yaml'), MANIFESTS);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validate reports that policy as one problem and nothing else', async () => {
    const { code, stdout } = await run(validateCommand, ['-f', dir]);
    expect(code).toBe(1);
    const errors = stdout.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toEqual([
      expect.stringMatching(/^error: BackendTrafficPolicy default\/boom target Service echo: Accepted=False \(Invalid\): .*boom: a bug/),
    ]);
  });

  it('status shows the other policy accepted and in effect on its route, and the failed one not accepted', async () => {
    const { stdout } = await run(statusCommand, ['-o', 'json', '-f', dir]);
    const entries = JSON.parse(stdout) as Array<{
      kind: string;
      metadata: { name: string };
      status: { ancestors?: Array<{ conditions: Array<{ status: string }> }> };
    }>;
    const policy = (name: string): string[] =>
      (entries.find((e) => e.kind === 'BackendTrafficPolicy' && e.metadata.name === name)?.status.ancestors ?? []).flatMap((a) =>
        a.conditions.map((c) => c.status),
      );
    expect(policy('retry')).toEqual(['True']);
    expect(policy('boom')).toEqual(['False']);
    const table = await run(statusCommand, ['-f', dir]);
    expect(table.stdout).toMatch(/policies\s+default\/retry/);
  });
});
