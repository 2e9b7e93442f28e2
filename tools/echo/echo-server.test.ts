/**
 * Unit test of the echo backend: a real grpc-js client against a real server on loopback.
 * Checks the fields tests and the demo rely on (pod/namespace/service, method, :authority,
 * echoed metadata) and that EchoThree is UNIMPLEMENTED like upstream's echo-basic.
 */
import * as grpc from '@grpc/grpc-js';
import { echoPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../generated/grpcecho';
import type { GrpcEchoClient } from '../generated/gateway_api_conformance/echo_basic/grpcecho/GrpcEcho';
import type { EchoResponse__Output } from '../generated/gateway_api_conformance/echo_basic/grpcecho/EchoResponse';
import { startEchoServer, type RunningEchoServer } from './echo-server';
import { optionsFrom } from './main';

type Method = 'Echo' | 'EchoTwo' | 'EchoThree';

function call(client: GrpcEchoClient, method: Method, md: grpc.Metadata): Promise<EchoResponse__Output> {
  return new Promise((resolve, reject) => {
    const cb = (err: grpc.ServiceError | null, res?: EchoResponse__Output): void => {
      if (err) reject(err);
      else if (res) resolve(res);
      else reject(new Error('empty response'));
    };
    const options = { deadline: Date.now() + 5000 };
    if (method === 'Echo') client.Echo({}, md, options, cb);
    else if (method === 'EchoTwo') client.EchoTwo({}, md, options, cb);
    else client.EchoThree({}, md, options, cb);
  });
}

describe('echo server', () => {
  let server: RunningEchoServer;
  let client: GrpcEchoClient;

  beforeAll(async () => {
    server = await startEchoServer({ pod: 'pod-a', namespace: 'ns1', service: 'svc-a', ingress: 'attache' });
    const proto = grpc.loadPackageDefinition(echoPackageDefinition()) as unknown as ProtoGrpcType;
    const Client = proto.gateway_api_conformance.echo_basic.grpcecho.GrpcEcho;
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'echo.example.com',
    });
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('binds loopback on a picked port when asked for port 0', () => {
    expect(server.address).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  it.each(['Echo', 'EchoTwo'] as const)('%s reports identity, method, authority and headers', async (method) => {
    const md = new grpc.Metadata();
    md.set('X-Test', 'one');
    md.set('x-other', 'two');
    const res = await call(client, method, md);
    const a = res.assertions;
    expect(a?.fully_qualified_method).toBe(`/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/${method}`);
    expect(a?.authority).toBe('echo.example.com');
    expect(a?.context).toEqual({ namespace: 'ns1', ingress: 'attache', service_name: 'svc-a', pod: 'pod-a' });
    expect(a?.headers).toEqual(
      expect.arrayContaining([
        { key: ':authority', value: 'echo.example.com' },
        { key: 'x-test', value: 'one' },
        { key: 'x-other', value: 'two' },
      ]),
    );
    expect(a?.headers.some((h) => h.key === 'user-agent')).toBe(true);
    expect(res.request).toEqual({});
  });

  it('EchoThree is UNIMPLEMENTED', async () => {
    await expect(call(client, 'EchoThree', new grpc.Metadata())).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  it('stop() is idempotent', async () => {
    const other = await startEchoServer({ pod: 'p' });
    await Promise.all([other.stop(), other.stop()]);
  });
});

describe('echo main options', () => {
  it('reads upstream env names with defaults', () => {
    expect(optionsFrom([], { POD_NAME: 'p', NAMESPACE: 'n', SERVICE_NAME: 's', INGRESS_NAME: 'i' })).toEqual({
      address: '127.0.0.1',
      port: 3000,
      pod: 'p',
      namespace: 'n',
      service: 's',
      ingress: 'i',
    });
  });

  it('lets flags override env, in both flag spellings', () => {
    const opts = optionsFrom(['--port=0', '--address', '127.0.0.2', '--pod', 'q'], { POD_NAME: 'p', HTTP_PORT: '9' });
    expect(opts).toMatchObject({ address: '127.0.0.2', port: 0, pod: 'q' });
  });

  it('rejects unknown flags and bad ports', () => {
    expect(() => optionsFrom(['--nope', 'x'], {})).toThrow(/unknown argument/);
    expect(() => optionsFrom(['--port', '70000'], {})).toThrow(/invalid port/);
    expect(() => optionsFrom(['--pod'], {})).toThrow(/needs a value/);
  });
});
