/**
 * Operating Attaché: every CLI command and debug endpoint against a running control plane and a
 * real Envoy, run as a user would (the compiled `attache` executable). The Envoy is started
 * from what `attache bootstrap` prints; `attache proxies` follows it from SYNCED to NACKED (a
 * route whose method regex Envoy refuses) and back; `/metrics` is scraped after real pushes.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import {
  backendsFromEndpointSlices,
  callEcho,
  EXAMPLES,
  type GatewayStack,
  loopbackAddress,
  printLogsOnFailure,
  readManifestDocs,
  ROOT,
  type RunningControlPlane,
  startGatewayStack,
  stopAll,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/grpc-gateway';
const NODE = 'operate-envoy';
const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
/** 108 literal characters repeated 1000 times: an RE2 program of about 108,000 instructions; Envoy refuses more than 100,000. */
const HUGE_SERVICE = `(?:${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}){1000}`;
const REJECTED_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rejected, namespace: default}
spec:
  parentRefs: [{name: grpc-gateway}]
  hostnames: [rejected.example.com]
  rules:
  - matches: [{method: {type: RegularExpression, service: '${HUGE_SERVICE}'}}]
    backendRefs: [{name: echo-v1, port: 8080}]
`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function attache(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/attache.js'), ...args],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The value of one sample of /metrics, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function logLines(cp: RunningControlPlane): LogLine[] {
  return cp.proc
    .logs()
    .split('\n')
    .flatMap((l) => {
      const json = l.slice(l.indexOf('{'));
      try {
        return [JSON.parse(json) as LogLine];
      } catch {
        return [];
      }
    });
}

describe('operating Attaché', () => {
  let cp: RunningControlPlane;
  let stack: GatewayStack;
  let bootstrapYaml: string;
  const address = loopbackAddress(60);

  beforeAll(async () => {
    // No Envoy yet: it runs the bootstrap `attache bootstrap` prints for this control plane.
    stack = await startGatewayStack({ manifests: EXAMPLES, backends: backendsFromEndpointSlices(readManifestDocs(EXAMPLES)), defaultAddress: address });
    ({ cp } = stack);
    const bootstrap = await attache([
      'bootstrap',
      '--gateway',
      GATEWAY,
      '--delta',
      '--node-id',
      NODE,
      '--xds',
      `127.0.0.1:${cp.xds.port}`,
      '--xds-plaintext',
      '--admin',
      '127.0.0.1:0',
    ]);
    expect(bootstrap).toMatchObject({ code: 0, stderr: '' });
    bootstrapYaml = bootstrap.stdout;
    await stack.startEnvoy({ bootstrapYaml, id: NODE, gateway: GATEWAY });
  });

  afterEach(printLogsOnFailure);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('attache bootstrap prints the bootstrap this Envoy runs: node, Delta ADS, the xDS address', () => {
    const doc = parse(bootstrapYaml) as {
      node: { id: string; cluster: string };
      dynamic_resources: { ads_config: { api_type: string } };
      static_resources: {
        clusters: Array<{
          name: string;
          load_assignment: { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { port_value: number } } } }> }> };
        }>;
      };
    };
    expect(doc.node).toEqual({ id: NODE, cluster: GATEWAY });
    expect(doc.dynamic_resources.ads_config.api_type).toBe('DELTA_GRPC');
    const xds = doc.static_resources.clusters.find((c) => c.name === 'xds_cluster');
    expect(xds?.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(cp.xds.port);
  });

  it('serves health, readiness, status, status writes, errors, IR and objects on the debug endpoint', async () => {
    expect(await cp.debug('/healthz')).toBe('ok\n');
    expect(await cp.debug('/readyz')).toBe('ready\n');
    expect(JSON.parse(await cp.debug('/status?format=json')).map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['GatewayClass', 'Gateway', 'GRPCRoute']),
    );
    expect(parse(await cp.debug('/status_writes'))).toMatchObject({ source: 'file' });
    expect(JSON.parse(await cp.debug('/errors?format=json'))).toEqual([]);
    expect(JSON.parse(await cp.debug('/ir?format=json'))[0].key).toBe(GATEWAY);
    expect(JSON.parse(await cp.debug('/objects?format=json')).grpcRoutes).toHaveLength(3);
    expect(await cp.debug('/nope')).toContain('unknown path /nope');
  });

  it('serves a proxy’s configuration as Envoy-style YAML and JSON', async () => {
    const json = JSON.parse(await cp.debug(`/config_dump?proxy=${NODE}&format=json`));
    const yaml = parse(await cp.debug(`/config_dump?proxy=${NODE}`));
    expect(yaml).toEqual(json);
    expect(json[0].gateway).toBe(GATEWAY);
    expect(json[0].resources.listener[0]).toMatchObject({
      '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
      name: `listener/${address}/10080`,
    });
    expect(json[0].resources.cluster.map((c: { name: string }) => c.name)).toContain('service/default/echo-v1/8080/h2c');
    expect(await cp.debug('/config_dump?proxy=nobody')).toBe('no connected proxy with node id "nobody"; see /proxies\n');
    expect(JSON.parse(await cp.debug(`/config_dump?gateway=${GATEWAY}&format=json`))).toEqual(json);
  });

  it('attache proxies shows the real Envoy SYNCED, then NACKED with Envoy’s message after a rejected route, then SYNCED again', async () => {
    expect((await callEcho({ target: `${address}:10080`, authority: 'methods.example.com' })).pod).toMatch(/^echo-v1/);
    const synced = await waitFor(
      async () => {
        const r = await attache(['proxies', '--server', cp.debugUrl]);
        return r.code === 0 ? r : undefined;
      },
      { timeoutMs: 10_000, description: 'attache proxies to exit 0' },
    );
    expect(synced.stdout).toMatch(new RegExp(`${NODE}\\s+${GATEWAY}\\s+Delta\\s+SYNCED`));

    const view = JSON.parse((await attache(['proxies', '--server', cp.debugUrl, '-o', 'json'])).stdout);
    expect(view).toHaveLength(1);
    expect(view[0]).toMatchObject({ nodeId: NODE, cluster: GATEWAY, gateway: GATEWAY, protocol: 'Delta', sync: 'SYNCED', inSync: true, rejected: [] });
    expect(view[0].types.map((t: { type: string }) => t.type)).toEqual(['cluster', 'endpoint', 'listener', 'route']);
    for (const t of view[0].types) expect(t.lastVersionAcked).toBe(t.lastVersionSent);

    fs.writeFileSync(path.join(cp.dir, '60-rejected.yaml'), REJECTED_ROUTE);
    const nacked = await waitFor(
      async () => {
        const r = await attache(['proxies', '--server', cp.debugUrl]);
        return r.code === 1 && r.stdout.includes('NACKED') ? r : undefined;
      },
      { timeoutMs: 15_000, description: 'attache proxies to show the NACK' },
    );
    expect(nacked.stdout).toMatch(new RegExp(`${NODE}\\s+${GATEWAY}\\s+Delta\\s+NACKED\\s+.*RE2 program size`));
    const detail = parse((await attache(['proxies', '--server', cp.debugUrl, '-o', 'yaml'])).stdout);
    expect(detail[0].inSync).toBe(false);
    expect(detail[0].rejected[0]).toMatchObject({ object: 'GRPCRoute default/rejected', served: 'left out' });
    expect(detail[0].rejected[0].message).toContain('RE2 program size');
    // The other routes are still served meanwhile.
    expect((await callEcho({ target: `${address}:10080`, authority: 'methods.example.com' })).pod).toMatch(/^echo-v1/);

    fs.rmSync(path.join(cp.dir, '60-rejected.yaml'));
    const again = await waitFor(
      async () => {
        const r = await attache(['proxies', '--server', cp.debugUrl]);
        return r.code === 0 ? r : undefined;
      },
      { timeoutMs: 15_000, description: 'attache proxies to show SYNCED again' },
    );
    expect(again.stdout).toMatch(/SYNCED/);
  });

  it('logs one line per push and each NACK at error level with the resource and Envoy’s message', () => {
    const lines = logLines(cp);
    const pushes = lines.filter((l) => l.msg === 'xDS push' && l.node === NODE);
    expect(pushes.length).toBeGreaterThan(0);
    for (const p of pushes) {
      expect(p).toMatchObject({ level: 30, gateway: GATEWAY });
      expect(Array.isArray(p.types) && (p.types as string[]).length > 0).toBe(true);
      expect(Object.keys(p.resources as object).sort()).toEqual([...(p.types as string[])].sort());
      expect(typeof p.bytes).toBe('number');
      expect(typeof p.durationMs).toBe('number');
    }
    const nack = lines.find((l) => l.msg === 'xDS NACK: the proxy rejected configuration');
    expect(nack).toMatchObject({ level: 50, node: NODE, gateway: GATEWAY, type: 'route', resources: [`routes/${address}/10080`] });
    expect(nack?.message).toContain('RE2 program size');
  });

  it('/metrics has every family, with values that match what happened', async () => {
    const text = await cp.debug('/metrics');
    const families = [
      'attache_translation_duration_seconds',
      'attache_rebuild_duration_seconds',
      'attache_xds_pushes_total',
      'attache_xds_push_duration_seconds',
      'attache_xds_push_bytes_total',
      'attache_snapshot_size_bytes',
      'attache_xds_connected_proxies',
      'attache_xds_acks_total',
      'attache_xds_nacks_total',
      'attache_objects',
      'attache_convergence_duration_seconds',
      'attache_status_writes_total',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ];
    for (const f of families) expect(text).toMatch(new RegExp(`^# TYPE ${f} `, 'm'));

    expect(sample(text, 'attache_translation_duration_seconds_count')).toBeGreaterThanOrEqual(3); // start, rejected route added, removed
    for (const t of ['cluster.v3.Cluster', 'endpoint.v3.ClusterLoadAssignment', 'listener.v3.Listener', 'route.v3.RouteConfiguration']) {
      const typeUrl = `type.googleapis.com/envoy.config.${t}`;
      const pushes = sample(text, 'attache_xds_pushes_total', { type_url: typeUrl });
      expect(pushes).toBeGreaterThan(0);
      expect(sample(text, 'attache_xds_push_duration_seconds_count', { type_url: typeUrl })).toBe(pushes);
      expect(sample(text, 'attache_xds_push_bytes_total', { type_url: typeUrl })).toBeGreaterThan(0);
      expect(sample(text, 'attache_snapshot_size_bytes', { gateway: GATEWAY, type_url: typeUrl })).toBeGreaterThan(0);
    }
    expect(sample(text, 'attache_xds_connected_proxies', { gateway: GATEWAY })).toBe(1);
    expect(sample(text, 'attache_xds_nacks_total', { type_url: RDS })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'attache_objects', { kind: 'GRPCRoute' })).toBe(3);
    expect(sample(text, 'attache_objects', { kind: 'Gateway' })).toBe(1);
    // Adding the rejected route, holding it out, and removing it: each converged once Envoy ACKed.
    expect(sample(text, 'attache_convergence_duration_seconds_count', { path: 'full' })).toBeGreaterThanOrEqual(2);
    const converged = sample(text, 'attache_convergence_duration_seconds_count', { path: 'full' }) ?? 0;
    const convergedSeconds = sample(text, 'attache_convergence_duration_seconds_sum', { path: 'full' }) ?? 0;
    expect(convergedSeconds).toBeGreaterThan(0);
    // Printed, not asserted: timings are for benchmarks.
    process.stdout.write(
      `convergence (file change seen → ACKed by the Envoy): ${converged} changes, mean ${((convergedSeconds / converged) * 1000).toFixed(1)} ms\n`,
    );
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('attache status reads the running control plane', async () => {
    const r = await attache(['status', '--server', cp.debugUrl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Gateway\s+default\/grpc-gateway\s+Accepted, Programmed/m);
    expect(r.stdout).toMatch(/^GRPCRoute\s+default\/per-method → default\/grpc-gateway\s+Accepted, ResolvedRefs$/m);
    const yaml = await attache(['status', '--server', cp.debugUrl, '-o', 'yaml']);
    expect(yaml.stdout).toContain('kind: GRPCRoute');
    expect(yaml.stdout).toContain('reason: Accepted');
    const unreachable = await attache(['status', '--server', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('--server: cannot reach http://127.0.0.1:1/status');
  });

  it('attache validate and translate name the object and field of a bad manifest, and exit non-zero', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-validate-'));
    try {
      fs.copyFileSync(path.join(EXAMPLES, '00-gateway.yaml'), path.join(dir, '00-gateway.yaml'));
      fs.writeFileSync(
        path.join(dir, 'bad.yaml'),
        'apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: bad}\nspec:\n  parentRefs: [{name: grpc-gateway}]\n  rules:\n  - matches: [{method: {}}]\n---\n' +
          'apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: nobackend}\nspec:\n  parentRefs: [{name: grpc-gateway}]\n  rules:\n  - backendRefs: [{name: missing, port: 8080}]\n',
      );
      const v = await attache(['validate', '-f', dir]);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(
        /bad\.yaml: document 1: GRPCRoute default\/bad: spec\.rules\[0\]\.matches\[0\]\.method: One or both of 'service' or 'method' must be specified/,
      );
      expect(v.stdout).toContain(
        'GRPCRoute default/nobackend parent default/grpc-gateway: ResolvedRefs=False (BackendNotFound): spec.rules[0].backendRefs[0]: Service default/missing not found',
      );
      expect((await attache(['validate', '-f', EXAMPLES])).code).toBe(0);

      const bad = await attache(['translate', '-f', dir]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/error: .*bad\.yaml: document 1: GRPCRoute default\/bad: spec\.rules\[0\]\.matches\[0\]\.method/);
      expect(bad.stderr).toContain('warning: GRPCRoute default/nobackend parent default/grpc-gateway: ResolvedRefs=False (BackendNotFound)');
      const t = await attache(['translate', '-f', EXAMPLES, '--type', 'cluster', '-o', 'json']);
      expect(t.code).toBe(0);
      expect(JSON.parse(t.stdout)[0].cluster.map((c: { name: string }) => c.name)).toContain('service/default/echo-v1/8080/h2c');
      // The same command over the examples is the golden file the unit tests compare with.
      expect((await attache(['translate', '-f', EXAMPLES])).stdout).toBe(
        fs.readFileSync(path.join(ROOT, 'src/cli/testdata/translate/examples.out.yaml'), 'utf8'),
      );
      const missing = await attache(['validate', '-f', path.join(dir, 'nope')]);
      expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('-f: no such file or directory') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every command has --help, and a bad flag or value exits 2 naming it', async () => {
    for (const cmd of ['serve', 'bootstrap', 'status', 'translate', 'validate', 'proxies']) {
      const r = await attache([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: attache ${cmd}`);
    }
    expect((await attache(['serve', '--help'])).stdout).toMatch(/--log-level VALUE.*\[env ATTACHE_LOG_LEVEL\]/);
    const bad = await attache(['translate', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --nope');
    const level = await attache(['serve', '--log-level', 'loud']);
    expect(level).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--log-level: expected trace, debug, info, warn, error, fatal, silent, got "loud"'),
    });
    const fromEnv = await attache(['serve'], { ATTACHE_LOG_LEVEL: 'loud' });
    expect(fromEnv.code).toBe(2);
    expect((await attache(['bootstrap', '--gateway', 'nope'])).stderr).toContain('--gateway: expected NAMESPACE/NAME, got "nope"');
    expect((await attache(['frobnicate'])).code).toBe(2);
  });
});
