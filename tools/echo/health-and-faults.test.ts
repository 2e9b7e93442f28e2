/**
 * Unit test of the echo backend's resilience-test abilities, with a real grpc-js client on
 * loopback: grpc.health.v1 Check/Watch following `setServingStatus`, metadata-driven faults
 * (fail the first N calls of a key, delays), the all-calls failure switch, a graceful stop that
 * lets an in-flight delayed call finish, and the signals of the process form.
 */
import { EventEmitter } from 'events';
import * as grpc from '@grpc/grpc-js';
import { echoPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType as EchoProto } from '../generated/grpcecho';
import type { ProtoGrpcType as HealthProto } from '../generated/health';
import type { GrpcEchoClient } from '../generated/gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { HealthClient } from '../generated/grpc/health/v1/Health';
import type { HealthCheckResponse__Output } from '../generated/grpc/health/v1/HealthCheckResponse';
import { startEchoServer, ECHO_SERVICE, type RunningGrpcEchoServer } from './echo-server';
import { FaultInjector, MAX_KEYS, parseStatus } from './fault-injection';
import { healthService } from './health-service';
import { switchHealthOnSignals } from './main';

interface Outcome {
  code: grpc.status;
  details?: string;
  pod?: string;
}

function echo(client: GrpcEchoClient, metadata: Record<string, string> = {}, timeoutMs = 5000): Promise<Outcome> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client.Echo({}, md, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) resolve({ code: err.code, details: err.details });
      else resolve({ code: grpc.status.OK, pod: res?.assertions?.context?.pod });
    });
  });
}

function check(client: HealthClient, service = ''): Promise<{ code: grpc.status; status?: string }> {
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: Date.now() + 5000 }, (err, res) => {
      if (err) resolve({ code: err.code });
      else resolve({ code: grpc.status.OK, status: res?.status });
    });
  });
}

describe('echo server: health and faults', () => {
  let server: RunningGrpcEchoServer;
  let client: GrpcEchoClient;
  let health: HealthClient;

  beforeEach(async () => {
    server = await startEchoServer({ pod: 'pod-h' });
    const target = `127.0.0.1:${server.port}`;
    const echoProto = grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as EchoProto;
    client = new echoProto.gateway_api_conformance.echo_basic.grpcecho.GrpcEcho(target, grpc.credentials.createInsecure());
    const healthCtor = grpc.makeClientConstructor(healthService(), 'Health') as unknown as HealthProto['grpc']['health']['v1']['Health'];
    health = new healthCtor(target, grpc.credentials.createInsecure(), { 'grpc.default_authority': 'echo.default.svc' });
  });

  afterEach(async () => {
    client.close();
    health.close();
    await server.stop();
  });

  it('answers Check with the switchable status, for "" and the services it serves, NOT_FOUND otherwise', async () => {
    expect(await check(health)).toEqual({ code: grpc.status.OK, status: 'SERVING' });
    server.setServingStatus('NOT_SERVING');
    expect(await check(health)).toEqual({ code: grpc.status.OK, status: 'NOT_SERVING' });
    expect(await check(health, ECHO_SERVICE)).toEqual({ code: grpc.status.OK, status: 'NOT_SERVING' });
    server.setServingStatus('SERVING');
    expect(await check(health, ECHO_SERVICE)).toEqual({ code: grpc.status.OK, status: 'SERVING' });
    expect((await check(health, 'no.such.Service')).code).toBe(grpc.status.NOT_FOUND);
    expect(server.healthChecks().count).toBe(5);
    expect(server.healthChecks().authorities).toEqual(Array(5).fill('echo.default.svc'));
  });

  it('streams the status and each change on Watch', async () => {
    const seen: string[] = [];
    const stream = health.Watch({ service: '' });
    // Our own cancel ends the stream with CANCELLED: expected, not a failure.
    stream.on('error', () => undefined);
    const got = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const onData = (m: HealthCheckResponse__Output): void => {
          seen.push(m.status);
          if (seen.length >= n) {
            stream.off('data', onData);
            resolve();
          }
        };
        stream.on('data', onData);
      });
    await got(1);
    const next = got(2);
    server.setServingStatus('NOT_SERVING');
    await next;
    stream.cancel();
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
  });

  it('fails the first N calls of a key with the asked code, then succeeds; keys count apart', async () => {
    const md = { 'x-echo-fail-first': '2', 'x-echo-fail-code': 'UNAVAILABLE', 'x-echo-fail-key': 'k1' };
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await echo(client, md)).code);
    expect(codes).toEqual([grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.OK]);
    expect((await echo(client, { ...md, 'x-echo-fail-key': 'k2', 'x-echo-fail-code': 'internal' })).code).toBe(grpc.status.INTERNAL);
    expect(server.callsOnKey('k1')).toBe(3);
    expect(server.callsOnKey('k2')).toBe(1);
    // Calls without fault metadata are not counted on any key.
    expect((await echo(client)).code).toBe(grpc.status.OK);
    expect(server.callsOnKey('')).toBe(0);
  });

  it('delays a call, only the first M of a key with x-echo-delay-first; a caller deadline cuts it short', async () => {
    const slow = { 'x-echo-delay-ms': '3000', 'x-echo-delay-first': '1', 'x-echo-fail-key': 'd' };
    expect((await echo(client, slow, 200)).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(await echo(client, slow, 2000)).toMatchObject({ code: grpc.status.OK, pod: 'pod-h' });
    expect(server.callsOnKey('d')).toBe(2);
  });

  it('refuses bad fault metadata with INVALID_ARGUMENT naming the header', async () => {
    const r = await echo(client, { 'x-echo-fail-first': 'many' });
    expect(r.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.details).toContain('x-echo-fail-first');
    expect((await echo(client, { 'x-echo-fail-first': '1', 'x-echo-fail-code': 'OK' })).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await echo(client, { 'x-echo-delay-ms': '600000' })).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('fails every call while failAll is set, and stops when cleared', async () => {
    server.failAll(grpc.status.UNAVAILABLE);
    expect((await echo(client)).code).toBe(grpc.status.UNAVAILABLE);
    server.failAll(undefined);
    expect((await echo(client)).code).toBe(grpc.status.OK);
  });

  it('answers every call late while delayAll is set (a per-call deadline shorter than it ends the call), and on time when cleared', async () => {
    server.delayAll(2000);
    expect((await echo(client, {}, 300)).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    server.delayAll(0);
    expect((await echo(client, {}, 300)).code).toBe(grpc.status.OK);
    expect(() => server.delayAll(-1)).toThrow('delayAll');
  });

  it('stops gracefully: a call in flight finishes OK', async () => {
    const inFlight = echo(client, { 'x-echo-delay-ms': '300' });
    // Let the call reach the server before stopping it.
    for (let i = 0; i < 100 && server.served().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await server.stop();
    expect((await inFlight).code).toBe(grpc.status.OK);
  });
});

describe('fault injection', () => {
  const md = (entries: Record<string, string>): grpc.Metadata => {
    const m = new grpc.Metadata();
    for (const [k, v] of Object.entries(entries)) m.set(k, v);
    return m;
  };

  it('parses status names and numbers, never OK', () => {
    expect(parseStatus('unavailable', 'h')).toBe(grpc.status.UNAVAILABLE);
    expect(parseStatus('deadline-exceeded', 'h')).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(parseStatus('13', 'h')).toBe(grpc.status.INTERNAL);
    expect(() => parseStatus('OK', 'h')).toThrow(/h: a gRPC status/);
    expect(() => parseStatus('17', 'h')).toThrow(/h: a gRPC status/);
  });

  it('remembers at most MAX_KEYS keys, forgetting the least recently used', () => {
    const f = new FaultInjector();
    f.decide(md({ 'x-echo-fail-first': '1', 'x-echo-fail-key': 'first' }));
    for (let i = 0; i < MAX_KEYS; i++) f.decide(md({ 'x-echo-fail-first': '1', 'x-echo-fail-key': `k${i}` }));
    expect(f.calls('first')).toBe(0);
    expect(f.calls(`k${MAX_KEYS - 1}`)).toBe(1);
  });
});

describe('echo process signals', () => {
  it('SIGUSR2 sets NOT_SERVING, SIGHUP SERVING', async () => {
    const server = await startEchoServer();
    const fake = new EventEmitter() as unknown as NodeJS.Process;
    switchHealthOnSignals(server, fake);
    fake.emit('SIGUSR2');
    expect(server.servingStatus()).toBe('NOT_SERVING');
    fake.emit('SIGHUP');
    expect(server.servingStatus()).toBe('SERVING');
    await server.stop();
  });
});
