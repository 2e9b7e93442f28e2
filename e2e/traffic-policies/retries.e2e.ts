/**
 * Retries and per-try timeouts of a BackendTrafficPolicy through a real Envoy: a backend failing
 * its first N calls with UNAVAILABLE is retried to success; one failing with a code the policy
 * does not retry on (INTERNAL) is not (the backend saw one call); more failures than attempts
 * end UNAVAILABLE after exactly 1 + attempts tries; a slow first try is cut by the per-try
 * timeout and retried, within a client deadline far shorter than the slow answer.
 * The faults come from the echo backend, asked for in each call's metadata with its own key.
 */
import * as grpc from '@grpc/grpc-js';
import { callEcho, loopbackAddress } from '../../test/harness';
import type { RunningGrpcEchoServer } from '../../tools/echo/echo-server';
import { backendOf, converge, gatewayDocs, grpcRoute, policy, type PolicyStack, serviceWithPods, startPolicyStack } from './fixture';

const GATEWAY = 'retry-gateway';
const POD = 'echo-retry-tp-a1';
const PODS = [{ pod: POD, service: 'echo-retry', address: loopbackAddress(150) }];

let s: PolicyStack;

beforeAll(async () => {
  s = await startPolicyStack({
    gateway: GATEWAY,
    address: loopbackAddress(151),
    id: 'retry-151',
    pods: PODS,
    docs: [
      ...gatewayDocs(GATEWAY),
      ...serviceWithPods('echo-retry', PODS),
      grpcRoute('retry', GATEWAY, 'retry.example.com', 'echo-retry'),
      grpcRoute('per-try', GATEWAY, 'per-try.example.com', 'echo-retry'),
      policy(
        'retry-unavailable',
        { kind: 'GRPCRoute', name: 'retry' },
        { retry: { attempts: 3, retryOn: ['unavailable'], backoff: { baseInterval: '10ms', maxInterval: '50ms' } } },
      ),
      policy(
        'retry-per-try',
        { kind: 'GRPCRoute', name: 'per-try' },
        { retry: { attempts: 2, retryOn: ['reset', 'unavailable'], perTryTimeout: '300ms', backoff: { baseInterval: '10ms', maxInterval: '50ms' } } },
      ),
    ],
  });
  await converge(s.target, 'retry.example.com', [POD]);
  await converge(s.target, 'per-try.example.com', [POD]);
});

afterAll(async () => {
  await s?.stack.stop();
});

const backend = (): RunningGrpcEchoServer => backendOf(s.stack, POD);

describe('retry policy on a GRPCRoute', () => {
  it('retries calls failing UNAVAILABLE to success (first 2 fail, 3 attempts)', async () => {
    for (const key of ['u1', 'u2', 'u3']) {
      const r = await callEcho({
        target: s.target,
        authority: 'retry.example.com',
        metadata: { 'x-echo-fail-first': '2', 'x-echo-fail-code': 'UNAVAILABLE', 'x-echo-fail-key': key },
      });
      expect(r).toMatchObject({ code: grpc.status.OK, pod: POD });
      expect(backend().callsOnKey(key)).toBe(3);
    }
  });

  it('does not retry a code not in retryOn (INTERNAL): the call fails, the backend saw 1 call', async () => {
    const r = await callEcho({
      target: s.target,
      authority: 'retry.example.com',
      metadata: { 'x-echo-fail-first': '2', 'x-echo-fail-code': 'INTERNAL', 'x-echo-fail-key': 'i1' },
    });
    expect(r.code).toBe(grpc.status.INTERNAL);
    expect(backend().callsOnKey('i1')).toBe(1);
  });

  it('gives up after 1 + attempts tries, with the last status', async () => {
    const r = await callEcho({ target: s.target, authority: 'retry.example.com', metadata: { 'x-echo-fail-first': '10', 'x-echo-fail-key': 'many' } });
    expect(r.code).toBe(grpc.status.UNAVAILABLE);
    expect(backend().callsOnKey('many')).toBe(4);
  });
});

describe('per-try timeout', () => {
  it('cuts a slow first try and retries it, well within a deadline shorter than the slow answer', async () => {
    // The first try would answer after 8 s; the client gives the whole call 4 s. Only a try cut at
    // 300 ms and retried can answer OK in time.
    const r = await callEcho({
      target: s.target,
      authority: 'per-try.example.com',
      timeoutMs: 4000,
      metadata: { 'x-echo-delay-ms': '8000', 'x-echo-delay-first': '1', 'x-echo-fail-key': 'slow1' },
    });
    expect(r).toMatchObject({ code: grpc.status.OK, pod: POD });
    expect(backend().callsOnKey('slow1')).toBe(2);
  });

  it('without the per-try timeout (the other route) the same slow call misses that deadline', async () => {
    const r = await callEcho({
      target: s.target,
      authority: 'retry.example.com',
      timeoutMs: 1500,
      metadata: { 'x-echo-delay-ms': '8000', 'x-echo-delay-first': '1', 'x-echo-fail-key': 'slow2' },
    });
    expect(r.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(backend().callsOnKey('slow2')).toBe(1);
  });
});
