/**
 * Operating Attaché: the CLI commands and debug endpoints against a running control plane and a
 * real Envoy, run as a user would (the compiled `attache` executable).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderBootstrap } from '../src/cli/bootstrap';
import {
  backendsFromEndpointSlices,
  callEcho,
  EchoBackends,
  loopbackAddress,
  printLogsOnFailure,
  ROOT,
  RunningControlPlane,
  RunningEnvoy,
  startControlPlane,
  startEchoBackends,
  startEnvoy,
  stopAll,
  waitFor,
} from './harness';
import { parseAllDocuments } from 'yaml';

const EXAMPLES = path.join(ROOT, 'examples');

function attache(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/attache.js'), ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('operating Attaché', () => {
  let cp: RunningControlPlane;
  let envoy: RunningEnvoy;
  let backends: EchoBackends;
  const address = loopbackAddress(60);

  beforeAll(async () => {
    const docs = fs.readdirSync(EXAMPLES).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as unknown));
    backends = await startEchoBackends(backendsFromEndpointSlices(docs));
    cp = await startControlPlane({ manifests: EXAMPLES, defaultAddress: address });
    envoy = await startEnvoy({
      bootstrapYaml: renderBootstrap({ delta: true, gateway: 'default/grpc-gateway', nodeId: 'operate-envoy', xds: cp.xds, admin: { host: '127.0.0.1', port: 0 } }),
      id: 'operate-envoy',
      cluster: 'default/grpc-gateway',
    });
    await envoy.waitForListener(10080, 20_000);
  });

  afterEach(printLogsOnFailure);
  afterAll(async () => {
    await backends?.stop();
    await stopAll();
  });

  it('serves health, readiness, status, errors, IR, objects and per-proxy config on the debug endpoint', async () => {
    expect(await cp.debug('/healthz')).toBe('ok\n');
    expect(await cp.debug('/readyz')).toBe('ready\n');
    expect(JSON.parse(await cp.debug('/status?format=json')).map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['GatewayClass', 'Gateway', 'GRPCRoute']),
    );
    expect(JSON.parse(await cp.debug('/errors?format=json'))).toEqual([]);
    expect(JSON.parse(await cp.debug('/ir?format=json'))[0].key).toBe('default/grpc-gateway');
    expect(JSON.parse(await cp.debug('/objects?format=json')).grpcRoutes).toHaveLength(3);
    const dump = JSON.parse(await cp.debug('/config_dump?proxy=operate-envoy&format=json'));
    expect(dump[0].gateway).toBe('default/grpc-gateway');
    expect(dump[0].resources.listener[0].name).toBe(`listener/${address}/10080`);
    expect(JSON.parse(await cp.debug('/config_dump?proxy=nobody&format=json'))).toEqual([]);
  });

  it('attache proxies shows the real Envoy in sync', async () => {
    expect((await callEcho({ target: `${address}:10080`, authority: 'methods.example.com' })).pod).toMatch(/^echo-v1/);
    const out = await waitFor(async () => {
      const r = await attache(['proxies', '--server', cp.debugUrl]);
      return r.code === 0 ? r : undefined;
    }, { timeoutMs: 10_000 });
    expect(out.stdout).toMatch(/operate-envoy\s+default\/grpc-gateway\s+delta\s+SYNCED/);
  });

  it('attache status reads the running control plane', async () => {
    const r = await attache(['status', '--server', cp.debugUrl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: GRPCRoute');
    expect(r.stdout).toContain('reason: Accepted');
  });

  it('attache validate and translate name the object and field of a bad manifest, and exit non-zero', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-validate-'));
    try {
      fs.copyFileSync(path.join(EXAMPLES, '00-gateway.yaml'), path.join(dir, '00-gateway.yaml'));
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: bad}\nspec:\n  parentRefs: [{name: grpc-gateway}]\n  rules:\n  - matches: [{method: {}}]\n');
      const v = await attache(['validate', '-f', dir]);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/bad\.yaml: document 1: GRPCRoute default\/bad: spec\.rules\[0\]\.matches\[0\]\.method: One or both of 'service' or 'method' must be specified/);
      const t = await attache(['translate', '-f', EXAMPLES, '--type', 'cluster', '-o', 'json']);
      expect(t.code).toBe(0);
      expect(JSON.parse(t.stdout)[0].cluster.map((c: { name: string }) => c.name)).toContain('service/default/echo-v1/8080/h2c');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every command has --help, and a bad flag exits 2 naming it', async () => {
    for (const cmd of ['serve', 'bootstrap', 'status', 'translate', 'validate', 'proxies']) {
      const r = await attache([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: attache ${cmd}`);
    }
    const bad = await attache(['translate', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --nope');
    expect((await attache(['frobnicate'])).code).toBe(2);
  });
});
