import { envName, parseFlags, parseHostPort, UsageError } from './flags';

const SPECS = [
  { name: 'path', description: '', repeatable: true },
  { name: 'xds-address', description: '', default: '127.0.0.1:18000' },
  { name: 'delta', description: '', boolean: true },
];

describe('parseFlags', () => {
  it('reads --flag value, --flag=value, booleans, repeats and positionals', () => {
    const p = parseFlags(['--path', 'a', '--path=b', '--delta', 'c'], SPECS, {});
    expect(p.values.get('path')).toEqual(['a', 'b']);
    expect(p.values.get('delta')).toEqual(['true']);
    expect(p.values.get('xds-address')).toEqual(['127.0.0.1:18000']);
    expect(p.positional).toEqual(['c']);
  });
  it('takes a value from the environment when the flag is absent', () => {
    expect(envName('xds-address')).toBe('ATTACHE_XDS_ADDRESS');
    const p = parseFlags([], SPECS, { ATTACHE_XDS_ADDRESS: '127.0.0.2:1', ATTACHE_PATH: 'x,y' });
    expect(p.values.get('xds-address')).toEqual(['127.0.0.2:1']);
    expect(p.values.get('path')).toEqual(['x', 'y']);
  });
  it('names an unknown flag and a missing value', () => {
    expect(() => parseFlags(['--nope'], SPECS, {})).toThrow(new UsageError('unknown flag --nope'));
    expect(() => parseFlags(['--xds-address'], SPECS, {})).toThrow('flag --xds-address needs a value');
  });
});

describe('parseHostPort', () => {
  it('defaults the host to loopback', () => {
    expect(parseHostPort('18000', 'x')).toEqual({ host: '127.0.0.1', port: 18000 });
    expect(parseHostPort('0.0.0.0:1', 'x')).toEqual({ host: '0.0.0.0', port: 1 });
    expect(() => parseHostPort('nope', 'xds')).toThrow('--xds: expected HOST:PORT');
  });
});
