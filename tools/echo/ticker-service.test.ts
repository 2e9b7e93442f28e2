/**
 * Unit test of the Ticker service on the echo backend: a real grpc-js client against a real
 * server on loopback. Every message arrives in order with the pod's name; limits are refused;
 * the conformance echo service still answers on the same server.
 */
import * as grpc from '@grpc/grpc-js';
import { tickerPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../generated/ticker';
import type { TickerClient } from '../generated/attache/testing/v1/Ticker';
import type { TickResponse__Output } from '../generated/attache/testing/v1/TickResponse';
import { startEchoServer, type RunningEchoServer } from './echo-server';
import { TICK_MAX_COUNT } from './ticker-service';

interface Outcome {
  code: grpc.status;
  messages: TickResponse__Output[];
}

function tick(client: TickerClient, count: number, intervalMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const messages: TickResponse__Output[] = [];
    const call = client.Tick({ count, interval_ms: intervalMs }, { deadline: Date.now() + 5000 });
    call.on('data', (m: TickResponse__Output) => messages.push(m));
    call.on('error', () => undefined);
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code !== grpc.status.OK || call.readableEnded) resolve({ code: s.code, messages });
      else call.once('end', () => resolve({ code: s.code, messages }));
    });
  });
}

describe('Ticker service on the echo server', () => {
  let server: RunningEchoServer;
  let client: TickerClient;

  beforeAll(async () => {
    server = await startEchoServer({ pod: 'pod-t' });
    const proto = grpc.loadPackageDefinition(tickerPackageDefinition()) as unknown as ProtoGrpcType;
    client = new proto.attache.testing.v1.Ticker(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('streams count messages in order, each naming the pod', async () => {
    const r = await tick(client, 5, 10);
    expect(r.code).toBe(grpc.status.OK);
    expect(r.messages).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq, pod: 'pod-t' })));
  });

  it('ends at once, with OK and no message, for count 0', async () => {
    expect(await tick(client, 0, 1000)).toEqual({ code: grpc.status.OK, messages: [] });
  });

  it('refuses a count above the limit with INVALID_ARGUMENT', async () => {
    expect(await tick(client, TICK_MAX_COUNT + 1, 0)).toEqual({ code: grpc.status.INVALID_ARGUMENT, messages: [] });
  });
});
