/**
 * Entry point of the echo backend: `node dist/tools/echo/main.js [--address A] [--port P]
 * [--pod NAME] [--namespace NS] [--service SVC] [--ingress NAME]`.
 *
 * Flags win over the environment variables upstream's echo-basic reads (ECHO_ADDRESS,
 * HTTP_PORT, POD_NAME, NAMESPACE, SERVICE_NAME, INGRESS_NAME), so one manifest-style env
 * block can be reused and tweaked per process. Prints exactly one line once listening —
 * `echo <pod> listening on <addr>:<port>` — which launchers wait for.
 *
 * Health, for drain rehearsals by hand: SIGUSR2 sets `grpc.health.v1` to NOT_SERVING, SIGHUP
 * back to SERVING; SIGTERM/SIGINT stop gracefully (in-flight calls finish). A grpc-go server's
 * drain is then `kill -USR2 $pid; sleep <interval × unhealthy threshold>; kill $pid`.
 * (Not SIGUSR1: Node reserves it for the inspector.)
 */
import { startEchoServer, hostPort, type EchoServerOptions, type RunningEchoServer, type RunningGrpcEchoServer } from './echo-server';

const FLAGS = ['address', 'port', 'pod', 'namespace', 'service', 'ingress'] as const;
type Flag = (typeof FLAGS)[number];

function isFlag(name: string): name is Flag {
  return (FLAGS as readonly string[]).includes(name);
}

/** Accepts `--flag value` and `--flag=value`; anything else is a usage error. */
export function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m || !isFlag(m[1])) throw new Error(`unknown argument ${arg}; flags: ${FLAGS.map((f) => `--${f}`).join(' ')}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1]] = value;
  }
  return out;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${JSON.stringify(text)}`);
  return port;
}

export function optionsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): EchoServerOptions {
  const flags = parseFlags(argv);
  return {
    address: flags.address ?? env.ECHO_ADDRESS ?? '127.0.0.1',
    port: parsePort(flags.port ?? env.HTTP_PORT ?? '3000'),
    pod: flags.pod ?? env.POD_NAME ?? '',
    namespace: flags.namespace ?? env.NAMESPACE ?? '',
    service: flags.service ?? env.SERVICE_NAME ?? '',
    ingress: flags.ingress ?? env.INGRESS_NAME ?? '',
  };
}

/**
 * Runs an echo server as a process: options from flags and environment, the one line launchers
 * wait for (`<label> <pod> listening on <addr>:<port>`), a clean stop on SIGINT/SIGTERM, and exit
 * status 1 with the reason if it cannot start. Shared by the gRPC and HTTP/1.1 echo servers.
 */
export function runEchoProcess(label: string, start: (opts: EchoServerOptions) => Promise<RunningEchoServer>): void {
  const main = async (): Promise<void> => {
    const opts = optionsFrom(process.argv.slice(2), process.env);
    const server = await start(opts);
    process.stdout.write(`${label} ${opts.pod} listening on ${hostPort(server.address, server.port)}\n`);
    const onSignal = (): void => {
      void server.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  };
  main().catch((err: unknown) => {
    process.stderr.write(`${label}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/** The signals that switch a running process's health (see the header). */
export function switchHealthOnSignals(server: RunningGrpcEchoServer, on: NodeJS.Process = process): void {
  on.on('SIGUSR2', () => server.setServingStatus('NOT_SERVING'));
  on.on('SIGHUP', () => server.setServingStatus('SERVING'));
}

if (require.main === module) {
  runEchoProcess('echo', async (opts) => {
    const server = await startEchoServer(opts);
    switchHealthOnSignals(server);
    return server;
  });
}
