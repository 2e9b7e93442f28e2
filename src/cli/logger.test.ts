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
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('never writes key material: not in fields, errors or messages, of a child logger too', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKEYKEYKEY\n-----END EC PRIVATE KEY-----\n';
    const out = capture();
    const log = createLogger({ level: 'info', pretty: false, destination: out.stream }).child({ component: 'test' });
    log.error(
      { err: new Error(`cannot parse ${key}`), object: { kind: 'Secret', data: { 'tls.key': Buffer.from(key).toString('base64') } } },
      `bad key ${key}`,
    );
    log.warn(new Error(`thrown with ${key}`));
    log.info({ secret: { name: 'site', privateKey: key } }, 'secret');
    const text = out.text();
    expect(text).not.toContain('KEYKEYKEY');
    expect(text).not.toContain(Buffer.from(key).toString('base64').slice(0, 40));
    const [first, second, third] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      component: 'test',
      msg: 'bad key [redacted]\n',
      err: { type: 'Error', message: 'cannot parse [redacted]\n' },
      object: { data: { 'tls.key': '[redacted]' } },
    });
    expect(second).toMatchObject({ msg: 'thrown with [redacted]\n', err: { message: 'thrown with [redacted]\n' } });
    expect(third.secret).toEqual({ name: 'site', privateKey: '[redacted]' });
  });

  it('names the flag and the levels when the level is unknown', () => {
    expect(() => createLogger({ level: 'loud' })).toThrow(UsageError);
    expect(() => createLogger({ level: 'loud' })).toThrow('--log-level: expected trace, debug, info, warn, error, fatal, silent, got "loud"');
  });
});
