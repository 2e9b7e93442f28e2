import { parseFlags, UsageError } from './flags';
import { DEBUG_FLAGS, debugListenerConfig } from './serve-debug';

const config = (...argv: string[]): ReturnType<typeof debugListenerConfig> => debugListenerConfig(parseFlags(argv, DEBUG_FLAGS, {}));

describe('debug listener flags', () => {
  it('listen on loopback without authentication by default', () => {
    expect(config()).toEqual({ debug: { host: '127.0.0.1', port: 18001 }, auth: 'none' });
  });

  it('refuse a non-loopback debug address without --debug-auth kubernetes, saying what to do instead', () => {
    expect(() => config('--debug-address', '0.0.0.0:18001')).toThrow(UsageError);
    expect(() => config('--debug-address', '0.0.0.0:18001')).toThrow(/--debug-address: 0\.0\.0\.0 is not loopback.*--debug-auth kubernetes.*--health-address/);
    expect(config('--debug-address', '0.0.0.0:18001', '--debug-auth', 'kubernetes')).toEqual({ debug: { host: '0.0.0.0', port: 18001 }, auth: 'kubernetes' });
    expect(() => config('--debug-auth', 'basic')).toThrow('--debug-auth: expected none or kubernetes, got "basic"');
  });

  it('take a health address on any interface: it serves nothing secret', () => {
    expect(config('--health-address', '0.0.0.0:18002').health).toEqual({ host: '0.0.0.0', port: 18002 });
  });
});
