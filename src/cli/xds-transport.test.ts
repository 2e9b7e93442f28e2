import { parseFlags, UsageError } from './flags';
import { isLoopbackHost, XDS_CLIENT_TRANSPORT_FLAGS, XDS_TRANSPORT_FLAGS, xdsClientTls, xdsTransport } from './xds-transport';

const serve = (argv: string[], host: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof xdsTransport> =>
  xdsTransport(parseFlags(argv, XDS_TRANSPORT_FLAGS, env), host);
const bootstrap = (argv: string[], host: string): ReturnType<typeof xdsClientTls> => xdsClientTls(parseFlags(argv, XDS_CLIENT_TRANSPORT_FLAGS, {}), host);

const TLS = ['--xds-tls-cert', 'c.pem', '--xds-tls-key', 'k.pem', '--xds-tls-client-ca', 'ca.pem'];

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.10.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.244.0.1', '128.0.0.1', '127.0.0.256', '::', '[::]', 'attache.svc', '127.0.0.1.nip.io'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('attache serve: xDS transport', () => {
  it('serves mTLS with all three files, on any address', () => {
    expect(serve(TLS, '0.0.0.0')).toEqual({
      kind: 'mtls',
      files: { certFile: 'c.pem', keyFile: 'k.pem', clientCaFile: 'ca.pem' },
      trustDomain: 'cluster.local',
    });
  });

  it('takes the trust domain of Gateway identities, with mTLS only', () => {
    expect(serve([...TLS, '--xds-trust-domain', 'prod.example.org'], '0.0.0.0')).toMatchObject({ trustDomain: 'prod.example.org' });
    expect(() => serve([...TLS, '--xds-trust-domain', 'Prod/x'], '0.0.0.0')).toThrow('--xds-trust-domain: "Prod/x" is not a trust domain');
    expect(() => serve(['--xds-plaintext', '--xds-trust-domain', 'example.org'], '127.0.0.1')).toThrow('--xds-trust-domain: only used with mTLS');
  });

  it('takes the files from ATTACHE_* environment variables like every flag', () => {
    const env = { ATTACHE_XDS_TLS_CERT: 'c.pem', ATTACHE_XDS_TLS_KEY: 'k.pem', ATTACHE_XDS_TLS_CLIENT_CA: 'ca.pem' };
    expect(serve([], '0.0.0.0', env)).toMatchObject({ kind: 'mtls' });
    expect(serve([], '127.0.0.1', { ATTACHE_XDS_PLAINTEXT: 'true' })).toEqual({ kind: 'plaintext' });
  });

  it('serves plaintext only when asked, and only on loopback', () => {
    expect(serve(['--xds-plaintext'], '127.0.0.1')).toEqual({ kind: 'plaintext' });
    expect(serve(['--xds-plaintext'], '[::1]')).toEqual({ kind: 'plaintext' });
    expect(() => serve(['--xds-plaintext'], '0.0.0.0')).toThrow(
      new UsageError(
        '--xds-plaintext: allowed only with a loopback --xds-address (127.0.0.0/8, ::1, localhost), got 0.0.0.0; use --xds-tls-cert, --xds-tls-key, --xds-tls-client-ca',
      ),
    );
  });

  it('refuses to start without a choice, saying what to pass', () => {
    expect(() => serve([], '127.0.0.1')).toThrow(
      'xDS needs mTLS: pass --xds-tls-cert, --xds-tls-key, --xds-tls-client-ca, or --xds-plaintext to go without TLS on this loopback address',
    );
    expect(() => serve([], '0.0.0.0')).toThrow(
      'xDS needs mTLS: pass --xds-tls-cert, --xds-tls-key, --xds-tls-client-ca (--xds-address 0.0.0.0 is not loopback, so --xds-plaintext is not allowed)',
    );
  });

  it('names missing and conflicting flags', () => {
    expect(() => serve(['--xds-tls-cert', 'c.pem'], '0.0.0.0')).toThrow('missing --xds-tls-key, --xds-tls-client-ca');
    expect(() => serve([...TLS, '--xds-plaintext'], '127.0.0.1')).toThrow(
      '--xds-plaintext: cannot be combined with --xds-tls-cert, --xds-tls-key, --xds-tls-client-ca',
    );
  });
});

describe('attache bootstrap: xDS transport', () => {
  const CLIENT = ['--xds-tls-cert', 'c.pem', '--xds-tls-key', 'k.pem', '--xds-tls-ca', 'ca.pem'];

  it('checks the control plane by the --xds host unless a server name is given', () => {
    expect(bootstrap(CLIENT, 'attache.attache-system.svc')).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
      caFile: 'ca.pem',
      serverName: 'attache.attache-system.svc',
    });
    expect(bootstrap([...CLIENT, '--xds-tls-server-name', 'attache.svc'], '127.0.0.1')).toMatchObject({ serverName: 'attache.svc' });
  });

  it('has the same plaintext rule as serve', () => {
    expect(bootstrap(['--xds-plaintext'], '127.0.0.1')).toBeUndefined();
    expect(() => bootstrap(['--xds-plaintext'], 'attache.svc')).toThrow(
      '--xds-plaintext: allowed only with a loopback --xds (127.0.0.0/8, ::1, localhost), got attache.svc',
    );
    expect(() => bootstrap([], '127.0.0.1')).toThrow('xDS needs mTLS: pass --xds-tls-cert, --xds-tls-key, --xds-tls-ca, or --xds-plaintext');
    expect(() => bootstrap(['--xds-plaintext', '--xds-tls-server-name', 'x'], '127.0.0.1')).toThrow('--xds-tls-server-name: only used with');
  });

  it('reloads certificates only when writing to a file, beside which the SDS files go', () => {
    const specs = [...XDS_CLIENT_TRANSPORT_FLAGS, { name: 'output', description: '' }];
    const withOutput = (argv: string[]): ReturnType<typeof xdsClientTls> => xdsClientTls(parseFlags(argv, specs, {}), 'attache.svc');
    expect(withOutput([...CLIENT, '--xds-tls-reload', '--output', '/etc/envoy/bootstrap/envoy.yaml'])).toMatchObject({ sdsDir: '/etc/envoy/bootstrap' });
    expect(withOutput([...CLIENT, '--output', '/tmp/envoy.yaml'])?.sdsDir).toBeUndefined();
    expect(() => withOutput([...CLIENT, '--xds-tls-reload'])).toThrow('--xds-tls-reload: needs --output');
  });
});
