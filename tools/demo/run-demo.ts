/**
 * `make demo`: the whole path on one machine. Starts the control plane in file mode on
 * examples/, one echo backend per endpoint of the examples' EndpointSlices, and a real Envoy
 * bootstrapped from envoy/ to our ADS server; then prints where to send gRPC. Ctrl-C stops all.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import { parseAllDocuments } from 'yaml';
import { renderBootstrap } from '../../src/cli/bootstrap';
import { NODE_FLAGS } from '../../src/cli/node-flags';
import { PROJECT_ROOT } from '../../src/project-root';
import { startEchoServer } from '../echo/echo-server';
import { backendsFromEndpointSlices } from '../echo/endpoint-slice-backends';

const ROOT = PROJECT_ROOT;
const ENVOY = path.join(ROOT, '.cache/bin/envoy');
const XDS = { host: '127.0.0.1', port: 18000 };
const ADMIN = { host: '127.0.0.1', port: 19000 };
const LISTENER = { host: '127.0.0.1', port: 10080 };
const GRPCURL = '.cache/bin/grpcurl -plaintext -import-path protos -proto grpcecho.proto';
const METHOD = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

async function main(): Promise<void> {
  const delta = process.argv.includes('--delta');
  const examples = path.join(ROOT, 'examples');
  if (!fs.existsSync(ENVOY)) throw new Error('Envoy is not installed: run `make setup` first');
  const children: ChildProcess[] = [];
  const docs = fs
    .readdirSync(examples)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(examples, f), 'utf8')).map((d) => d.toJS() as unknown));
  const backends = await Promise.all(
    backendsFromEndpointSlices(docs).map((b) => startEchoServer({ ...b, ingress: 'grpc-gateway' }).then((s) => ({ ...b, s }))),
  );
  for (const b of backends) say(`backend ${b.pod} (Service ${b.namespace}/${b.service}) on ${b.address}:${b.port}`);

  const cp = spawn(
    process.execPath,
    [...NODE_FLAGS, path.join(ROOT, 'dist/src/cli/main.js'), 'serve', '--path', examples, '--xds-plaintext', '--log-level', 'warn'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  children.push(cp);
  await waitForPort(XDS.host, XDS.port, 15_000);

  const bootstrap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attache-demo-')), 'envoy.yaml');
  fs.writeFileSync(bootstrap, renderBootstrap({ delta, gateway: 'default/grpc-gateway', nodeId: 'demo-envoy', xds: XDS, admin: ADMIN }));
  const envoy = spawn(ENVOY, ['-c', bootstrap, '--log-level', 'warning', '--disable-hot-restart'], { stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(envoy);
  await waitForPort(LISTENER.host, LISTENER.port, 20_000);

  const target = `${LISTENER.host}:${LISTENER.port}`;
  say('');
  say(`Envoy (${delta ? 'Delta' : 'State-of-the-World'} ADS) serves Gateway default/grpc-gateway on ${target}; admin on http://${ADMIN.host}:${ADMIN.port}`);
  say(`Control plane: xDS on ${XDS.host}:${XDS.port} (plaintext: loopback only), debug on http://127.0.0.1:18001/status`);
  say('Send gRPC, from this directory:');
  say(`  ${GRPCURL} -authority methods.example.com ${target} ${METHOD}/Echo      # → echo-v1`);
  say(`  ${GRPCURL} -authority methods.example.com ${target} ${METHOD}/EchoTwo   # → echo-v2`);
  say(`  ${GRPCURL} -authority canary.example.com -H 'x-canary: true' ${target} ${METHOD}/Echo   # → echo-canary`);
  say(`  ${GRPCURL} -authority split.example.com ${target} ${METHOD}/Echo        # → echo-v1 80 %, echo-v2 20 %`);
  say('Edit a file in examples/ and the change is live within milliseconds. Ctrl-C stops everything.');

  const stop = async (): Promise<void> => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(backends.map((b) => b.s.stop()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  for (const c of children) {
    c.once('exit', (code) => {
      say(`${c === envoy ? 'envoy' : 'control plane'} exited (${code}); stopping`);
      void stop();
    });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
