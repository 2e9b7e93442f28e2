/**
 * File mode against real Envoy under continuous gRPC load (issue 13, items 4 and 5): neither a
 * Kubernetes ConfigMap volume update (kubelet's `..data` symlink swap) nor a file rewritten in
 * place in two writes with a pause between them ever drops configuration or fails a call.
 *
 * The served folder is laid out as a ConfigMap volume (its files are symlinks through `..data`),
 * plus one plain file that the test rewrites in place. `--file-settle-ms` is set well above the
 * writer's pause so that the test does not depend on how fast a loaded machine runs it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { ConfigMapVolume } from '../test/support/configmap-volume';
import { awaitConvergence, callEcho, GatewayStack, loopbackAddress, manifestsDir, printLogsOnFailure, sleep, stopAll, waitFor } from '../test/harness';
import { Load, printReport } from './xds-under-load/load';
import { gatewayYaml, routeYaml, serviceYaml } from '../test/harness/xds-stack';

const BASE = 330;
const SETTLE_MS = 1000;
/** The writer's pause between the two halves of a file: far below the settle. */
const WRITER_PAUSE_MS = 200;
const OK = grpc.status.OK;
const SERVICES = ['svc-a', 'svc-b'];

describe('file mode under load: volume swaps and files written in steps', () => {
  const address = loopbackAddress(BASE);
  const target = `${address}:10080`;
  let stack: GatewayStack;
  let volume: ConfigMapVolume;
  let half: string;

  /** The ConfigMap's keys, with route `swapped` sent to `backend`. */
  const volumeFiles = (backend: string): Record<string, string> => ({
    '00-gateway.yaml': gatewayYaml('gw', address),
    ...Object.fromEntries(SERVICES.map((s, i) => [`10-${s}.yaml`, serviceYaml(s, [{ name: `${s}-0`, address: loopbackAddress(BASE + 1 + i) }])])),
    '20-swapped.yaml': routeYaml('swapped', 'swapped.example.com', [{ service: backend }]),
    '21-steady.yaml': routeYaml('steady', 'steady.example.com', [{ service: 'svc-a' }]),
  });
  /** Two routes in one file; the second is what a reader of the first half alone would drop. */
  const firstHalf = routeYaml('h1', 'h1.example.com', [{ service: 'svc-a' }]) + '---\n';
  const secondHalf = (backend: string): string => routeYaml('h2', 'h2.example.com', [{ service: backend }]);

  const podOf = async (authority: string): Promise<string | undefined> => {
    const r = await callEcho({ target, authority, timeoutMs: 2000 });
    return r.code === OK ? r.pod : undefined;
  };

  beforeAll(async () => {
    const dir = manifestsDir('volume');
    stack = new GatewayStack(dir, true);
    try {
      await stack.startBackends(SERVICES.map((s, i) => ({ pod: `${s}-0`, service: s, address: loopbackAddress(BASE + 1 + i), port: 3000 })));
      volume = new ConfigMapVolume(dir);
      volume.write(volumeFiles('svc-a'));
      half = path.join(dir, '30-half.yaml');
      fs.writeFileSync(half, firstHalf + secondHalf('svc-a'));
      await stack.bringUp(
        {
          defaultAddress: address,
          controlPlane: { extraArgs: ['--file-settle-ms', String(SETTLE_MS)] },
          envoys: [{ id: 'file-updates-envoy', gateway: 'default/gw', listenerPorts: [10080], logLevel: 'warning' }],
        },
        { dir },
      );
    } catch (err) {
      await stack.stop();
      throw err;
    }
    for (const host of ['steady', 'swapped', 'h1', 'h2']) {
      await awaitConvergence(async () => expect(await podOf(`${host}.example.com`)).toBe('svc-a-0'));
    }
  });

  afterEach(printLogsOnFailure);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const startLoad = (): Load =>
    new Load(target)
      .add({ authority: 'steady.example.com' })
      .add({ authority: 'swapped.example.com' })
      .add({ authority: 'h1.example.com' })
      .add({ authority: 'h2.example.com' })
      .start();

  it('applies each ConfigMap volume update (..data swap) and never drops a route or a call', async () => {
    const load = startLoad();
    for (let i = 1; i <= 6; i++) {
      const backend = SERVICES[i % 2];
      volume.write(volumeFiles(backend));
      await waitFor(async () => (await podOf('swapped.example.com')) === `${backend}-0`, {
        timeoutMs: 20_000,
        intervalMs: 10,
        description: `swap ${i} to reach Envoy`,
      });
    }
    const report = await load.stop();
    printReport('..data swaps under load', report);
    expect(report.failures).toBe(0);
    // No reload even looked empty: the hold for a suspect empty reload was never needed.
    expect(stack.cp.proc.logs()).not.toContain('would remove all');
  });

  it('never applies a file caught half-written, though its first half parses on its own', async () => {
    const load = startLoad();
    for (let i = 1; i <= 3; i++) {
      const backend = SERVICES[i % 2];
      // In place, as `>` in a shell or a naive tool writes: truncate, write, pause, write the rest.
      const fd = fs.openSync(half, 'w');
      try {
        fs.writeSync(fd, firstHalf);
        await sleep(WRITER_PAUSE_MS);
        fs.writeSync(fd, secondHalf(backend));
      } finally {
        fs.closeSync(fd);
      }
      await waitFor(async () => (await podOf('h2.example.com')) === `${backend}-0`, {
        timeoutMs: 20_000,
        intervalMs: 10,
        description: `rewrite ${i} to reach Envoy`,
      });
    }
    const report = await load.stop();
    printReport('files rewritten in two steps under load', report);
    expect(report.failures).toBe(0);
  });
});
