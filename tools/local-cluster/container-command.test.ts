import { expandVars, rewriteMountPaths } from './container-command';

describe('expandVars', () => {
  const env = { POD_NAME: 'envoy-abc', EMPTY: '' };
  it('expands defined variables and keeps undefined references as written', () => {
    expect(expandVars('--node-id=$(POD_NAME)', env)).toBe('--node-id=envoy-abc');
    expect(expandVars('$(EMPTY)x', env)).toBe('x');
    expect(expandVars('$(MISSING)', env)).toBe('$(MISSING)');
  });
  it('treats $$ as an escaped $ and leaves other dollars and unclosed references alone', () => {
    expect(expandVars('$$(POD_NAME)', env)).toBe('$(POD_NAME)');
    expect(expandVars('a$b $(POD_NAME', env)).toBe('a$b $(POD_NAME');
    expect(expandVars('cost: 5$', env)).toBe('cost: 5$');
  });
});

describe('rewriteMountPaths', () => {
  const mounts = [
    { mountPath: '/etc/envoy', hostPath: '/w/fs/etc/envoy' },
    { mountPath: '/etc/envoy/bootstrap/', hostPath: '/w/fs/etc/envoy/bootstrap' },
  ];
  it('moves paths under a mount, alone, after = or in a list; longest mount first', () => {
    expect(rewriteMountPaths('/etc/envoy/envoy.yaml', mounts)).toBe('/w/fs/etc/envoy/envoy.yaml');
    expect(rewriteMountPaths('--output=/etc/envoy/bootstrap/envoy.yaml', mounts)).toBe('--output=/w/fs/etc/envoy/bootstrap/envoy.yaml');
    expect(rewriteMountPaths('/etc/envoy', mounts)).toBe('/w/fs/etc/envoy');
    expect(rewriteMountPaths('a,/etc/envoy/x:/etc/envoy/y', mounts)).toBe('a,/w/fs/etc/envoy/x:/w/fs/etc/envoy/y');
  });
  it('leaves other paths and prefixes that are not path segments alone', () => {
    expect(rewriteMountPaths('/etc/envoy2/x', mounts)).toBe('/etc/envoy2/x');
    expect(rewriteMountPaths('http://h/etc/envoy/x', mounts)).toBe('http://h/etc/envoy/x');
    expect(rewriteMountPaths('-c', mounts)).toBe('-c');
    expect(rewriteMountPaths('/etc/envoy/x', [])).toBe('/etc/envoy/x');
  });
});
