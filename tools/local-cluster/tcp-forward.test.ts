import * as net from 'net';
import { forwardTcp, freePort, waitForListener } from './tcp-forward';

async function echoServer(port: number): Promise<net.Server> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return server;
}

async function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString());
    });
    s.once('error', reject);
  });
}

describe('forwardTcp', () => {
  it('carries bytes both ways between the listen address and the target, and closes', async () => {
    const target = await freePort();
    const server = await echoServer(target);
    const front = await freePort();
    const forwarder = await forwardTcp({ host: '127.0.0.1', port: front }, { host: '127.0.0.1', port: target });
    try {
      await waitForListener('127.0.0.1', front, 2000, () => true);
      expect(await roundTrip(front, 'ping')).toBe('ping');
    } finally {
      await forwarder.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expect(waitForListener('127.0.0.1', front, 300, () => true)).rejects.toThrow('nothing listens');
  });

  it('stops waiting as soon as the process behind the port is gone', async () => {
    const port = await freePort();
    await expect(waitForListener('127.0.0.1', port, 5000, () => false)).rejects.toThrow('exited');
  });
});
