import pino from 'pino';
import { PassThrough } from 'stream';
import { PushLog } from './push-log';

function logger(): { log: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return {
    log: pino({ level: 'info' }, stream),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('PushLog', () => {
  it('logs every response of one push as one line: types, counts per type, removals, bytes, duration', () => {
    const { log, lines } = logger();
    const push = new PushLog(log);
    push.add({ type: 'cluster', count: 2, removed: 0, bytes: 100 });
    push.add({ type: 'endpoint', count: 2, removed: 1, bytes: 40 });
    push.add({ type: 'cluster', count: 1, removed: 0, bytes: 50 });
    push.flush({ node: 'envoy-0', gateway: 'default/gw' }, 1.23456);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'xDS push',
        node: 'envoy-0',
        gateway: 'default/gw',
        types: ['cluster', 'endpoint'],
        resources: { cluster: 3, endpoint: 2 },
        removed: { endpoint: 1 },
        bytes: 190,
        durationMs: 1.23,
      }),
    ]);
  });

  it('logs nothing for a push that wrote nothing, and starts afresh after each flush', () => {
    const { log, lines } = logger();
    const push = new PushLog(log);
    push.flush({ node: 'envoy-0' }, 1);
    push.add({ type: 'route', count: 1, removed: 0, bytes: 10 });
    push.flush({ node: 'envoy-0' }, 1);
    push.flush({ node: 'envoy-0' }, 1);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).not.toHaveProperty('removed');
  });
});
