/**
 * Unit test of the HTTP echo backend: Node's fetch and http client against a real server on
 * loopback. Checks the JSON fields the e2e tests read (identity, path with query, host, method,
 * headers with repeated values) and that stop() returns while a keep-alive connection is open.
 */
import * as http from 'http';
import { type HttpEchoResponse, startHttpEchoServer } from './http-echo-server';
import type { RunningEchoServer } from './echo-server';

/** node:http rather than fetch where the Host header or a repeated header must be set. */
function get(port: number, path: string, headers: http.OutgoingHttpHeaders, method = 'GET'): Promise<{ status: number; body: HttpEchoResponse }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as HttpEchoResponse }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http echo server', () => {
  let server: RunningEchoServer;

  beforeAll(async () => {
    server = await startHttpEchoServer({ pod: 'web-v1-a-0', namespace: 'ns1', service: 'web-v1', ingress: 'attache' });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('says who served the request and what arrived', async () => {
    const r = await get(server.port, '/some/path?x=1&y=2', { host: 'echo.example.com', 'X-Multi': ['a', 'b'] }, 'POST');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      path: '/some/path?x=1&y=2',
      host: 'echo.example.com',
      method: 'POST',
      proto: 'HTTP/1.1',
      namespace: 'ns1',
      service: 'web-v1',
      pod: 'web-v1-a-0',
      ingress: 'attache',
    });
    expect(r.body.headers['x-multi']).toEqual(['a', 'b']);
    expect(server.served().at(-1)).toEqual({ method: 'POST /some/path?x=1&y=2', authority: 'echo.example.com' });
  });

  it('answers fetch with JSON', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'x-one': '1' } });
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as HttpEchoResponse;
    expect(body.headers['x-one']).toEqual(['1']);
    expect(body.host).toBe(`127.0.0.1:${server.port}`);
  });

  it('stops while a keep-alive connection is open', async () => {
    const other = await startHttpEchoServer({ pod: 'p' });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: other.port, path: '/', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    await other.stop();
    agent.destroy();
  });
});
