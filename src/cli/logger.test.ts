import { PassThrough } from 'stream';
import { createLogger } from './logger';
import { UsageError } from './flags';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createLogger', () => {
  it('writes one JSON object per line, at or above the level', () => {
    const out = capture();
    const log = createLogger({ level: 'warn', pretty: false, destination: out.stream });
    log.info('hidden');
    log.error({ node: 'envoy-0', type: 'route' }, 'xDS NACK: the proxy rejected configuration');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 50, node: 'envoy-0', type: 'route', msg: 'xDS NACK: the proxy rejected configuration' });
  });

  it('pretty-prints for a terminal: level name and message first, fields below, no JSON', () => {
    const out = capture();
    const log = createLogger({ level: 'info', pretty: true, destination: out.stream });
    log.info({ node: 'envoy-0', bytes: 1234 }, 'xDS push');
    const text = out.text();
    expect(text).toMatch(/INFO.*: xDS push/);
    expect(text).toMatch(/\{"node":"envoy-0","bytes":1234\}/);
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('names the flag and the levels when the level is unknown', () => {
    expect(() => createLogger({ level: 'loud' })).toThrow(UsageError);
    expect(() => createLogger({ level: 'loud' })).toThrow('--log-level: expected trace, debug, info, warn, error, fatal, silent, got "loud"');
  });
});
