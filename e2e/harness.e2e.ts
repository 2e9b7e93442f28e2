/**
 * Proves the harness itself against real processes: Envoy starts from a static bootstrap (two
 * at once), its admin API answers, gRPC calls through it reach in-process echo backends with
 * the right identity and weights, the convergence helper behaves, and every process is gone
 * afterwards. If this file fails, no other e2e result can be trusted.
 */
import * as grpc from '@grpc/grpc-js';
import {
  startEnvoy,
  validateEnvoyConfig,
  startEchoBackends,
  callEcho,
  awaitConvergence,
  countBackends,
  closeEchoClients,
  freePort,
  loopbackAddress,
  spawnTracked,
  waitForLine,
  stopAll,
  waitFor,
  type RunningEnvoy,
  type EchoBackends,
} from '../test/harness';

interface Upstream {
  address: string;
  port: number;
  weight: number;
}

/** Admin on port 0, one gRPC listener splitting traffic over static h2c clusters by weight. */
function staticBootstrap(listen: { address: string; port: number }, upstreams: Upstream[]): string {
  const clusters = upstreams.map(
    (u, i) => `
  - name: backend-${i}
    type: STATIC
    connect_timeout: 1s
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config: { http2_protocol_options: {} }
    load_assignment:
      cluster_name: backend-${i}
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ${u.address}, port_value: ${u.port} } } } }] }]`,
  );
  const weighted = upstreams.map((u, i) => `{ name: backend-${i}, weight: ${u.weight} }`).join(', ');
  return `
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
static_resources:
  listeners:
  - name: grpc
    address: { socket_address: { address: ${listen.address}, port_value: ${listen.port} } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: grpc
          codec_type: AUTO
          route_config:
            virtual_hosts:
            - name: echo
              domains: ["echo.example.com"]
              routes:
              - match: { prefix: "/", grpc: {} }
                route: { weighted_clusters: { clusters: [${weighted}] } }
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:${clusters.join('')}
`;
}

describe('validateEnvoyConfig', () => {
  it('accepts a valid bootstrap and explains an invalid one', async () => {
    const good = staticBootstrap({ address: '127.0.0.1', port: 10000 }, [{ address: '127.0.0.1', port: 1, weight: 1 }]);
    await expect(validateEnvoyConfig(good)).resolves.toMatchObject({ ok: true });
    const bad = await validateEnvoyConfig(good.replace('stat_prefix', 'stat_prefx'));
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/stat_prefx/);
  });
});

describe('startEnvoy edge cases', () => {
  it("adds an admin when the bootstrap has none, and fails fast with Envoy's reason on a bad one", async () => {
    const noAdmin = await startEnvoy({ id: 'no-admin', bootstrapYaml: 'static_resources: {}\n', logLevel: 'warning' });
    try {
      expect(noAdmin.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await noAdmin.serverState()).toBe('LIVE');
    } finally {
      await noAdmin.stop();
    }
    expect(noAdmin.proc.exitInfo).toBeDefined();
    const started = Date.now();
    await expect(startEnvoy({ id: 'broken', bootstrapYaml: 'static_resources: { nope: 1 }\n' })).rejects.toThrow(/exited before its admin came up[\s\S]*nope/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('ports', () => {
  it('hands out distinct loopback addresses that can be bound', async () => {
    const addrs = Array.from({ length: 600 }, (_, i) => loopbackAddress(i));
    expect(new Set(addrs).size).toBe(600);
    expect(addrs[0]).toBe('127.0.10.1');
    expect(addrs[254]).toBe('127.0.11.1');
    expect(addrs.every((a) => /^127\.0\.\d+\.(\d+)$/.test(a) && !/\.(0|255)$/.test(a))).toBe(true);
    expect(await freePort(addrs[599])).toBeGreaterThan(0);
  });
});

describe('startEnvoy with echo backends', () => {
  const envoys: RunningEnvoy[] = [];
  let backends: EchoBackends;
  let target: string;
  let secondTarget: string;
  let listenPort: number;

  beforeAll(async () => {
    backends = await startEchoBackends([
      { pod: 'pod-a', namespace: 'ns', service: 'svc-a', address: loopbackAddress(0), port: 0 },
      { pod: 'pod-b', namespace: 'ns', service: 'svc-b', address: loopbackAddress(1), port: 0 },
    ]);
    const [a, b] = backends.backends;
    const listen = { address: loopbackAddress(2), port: await freePort(loopbackAddress(2)) };
    listenPort = listen.port;
    target = `${listen.address}:${listen.port}`;
    const second = { address: loopbackAddress(3), port: await freePort(loopbackAddress(3)) };
    secondTarget = `${second.address}:${second.port}`;
    // Two Envoys at once: the point of --disable-hot-restart and --admin-address-path.
    envoys.push(
      ...(await Promise.all([
        startEnvoy({
          id: 'harness-1',
          bootstrapYaml: staticBootstrap(listen, [
            { ...a, weight: 3 },
            { ...b, weight: 1 },
          ]),
          logLevel: 'warning',
        }),
        startEnvoy({ id: 'harness-2', bootstrapYaml: staticBootstrap(second, [{ ...b, weight: 1 }]), logLevel: 'warning' }),
      ])),
    );
    await envoys[0].waitForListener(listen.port, 10_000);
    await envoys[1].waitForListener(second.port, 10_000);
  }, 60_000);

  afterAll(async () => {
    closeEchoClients();
    await Promise.all(envoys.map((e) => e.stop()));
    await backends?.stop();
    await stopAll();
  }, 30_000);

  it('runs side by side with distinct admin addresses and is LIVE', async () => {
    expect(envoys[0].adminUrl).not.toBe(envoys[1].adminUrl);
    expect(await envoys[0].serverState()).toBe('LIVE');
    const dump = await envoys[0].configDump();
    expect(dump.configs.map((c) => c['@type'])).toContain('type.googleapis.com/envoy.admin.v3.ListenersConfigDump');
    expect(JSON.stringify(dump)).toContain(`"port_value":${listenPort}`);
  });

  it('routes gRPC through Envoy to the echo backend, with :authority preserved', async () => {
    const r = await awaitConvergence(async () => {
      const res = await callEcho({ target, authority: 'echo.example.com', metadata: { 'x-probe': '1' } });
      expect(res.code).toBe(grpc.status.OK);
      return res;
    });
    expect(['pod-a', 'pod-b']).toContain(r.pod);
    expect(r.authority).toBe('echo.example.com');
    expect(r.method).toBe('/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo');
    expect(r.headers).toEqual(expect.arrayContaining([{ key: 'x-probe', value: '1' }]));
    // No virtual host for other names: Envoy's 404 surfaces to gRPC as UNIMPLEMENTED.
    const miss = await callEcho({ target, authority: 'other.example.com' });
    expect(miss.code).toBe(grpc.status.UNIMPLEMENTED);
    const three = await callEcho({ target, authority: 'echo.example.com', method: 'EchoThree' });
    expect(three.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(three.details).toMatch(/EchoThree/);
  });

  it('counts answers per pod on fresh connections, close to the 3:1 weights', async () => {
    const filter = '^cluster\\.backend-\\d\\.upstream_rq_total$';
    const before = await envoys[0].stats(filter);
    const counts = await countBackends(200, { target, authority: 'echo.example.com' });
    expect((counts['pod-a'] ?? 0) + (counts['pod-b'] ?? 0)).toBe(200);
    expect(counts['pod-a']).toBeGreaterThan(110);
    expect(counts['pod-b']).toBeGreaterThan(20);
    const after = await envoys[0].stats(filter);
    const key = 'cluster.backend-0.upstream_rq_total';
    expect(after[key] - before[key]).toBe(counts['pod-a']);
  });

  it('reports a stopped backend as UNAVAILABLE; awaitConvergence gives up in time', async () => {
    await backends.stopOne('pod-b');
    // The second Envoy only knows pod-b.
    const r = await callEcho({ target: secondTarget, authority: 'echo.example.com', timeoutMs: 3000 });
    expect(r.code).toBe(grpc.status.UNAVAILABLE);
    const started = Date.now();
    await expect(
      awaitConvergence(
        async () => {
          throw new Error('never converges');
        },
        { timeoutMs: 700 },
      ),
    ).rejects.toThrow(/never converges/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('processes', () => {
  afterAll(() => stopAll());

  it('waits for a line, and stops a process that ignores SIGTERM with SIGKILL', async () => {
    const script = "process.on('SIGTERM', () => console.log('ignoring TERM')); console.log('ready at ' + process.pid); setInterval(() => {}, 1000);";
    const proc = spawnTracked('stubborn', process.execPath, ['-e', script]);
    const m = await waitForLine(proc, /ready at (\d+)/, 5000);
    expect(Number(m[1])).toBe(proc.pid);
    await expect(waitForLine(proc, /never printed/, 200)).rejects.toThrow(/no line matching/);
    const started = Date.now();
    await stopAll();
    expect(proc.exitInfo?.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    await waitFor(() => proc.logs().includes('ignoring TERM'), { timeoutMs: 1000 });
  });

  it('rejects waitForLine when the process exits first', async () => {
    const proc = spawnTracked('quitter', process.execPath, ['-e', "console.log('bye'); process.exit(3)"]);
    await expect(waitForLine(proc, /never/, 5000)).rejects.toThrow(/exited \(code=3/);
    expect(proc.logs()).toContain('[quitter] bye');
  });
});
