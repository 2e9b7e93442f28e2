/**
 * Listener checks the CRD's CEL rules would normally keep out of translation (Passthrough on
 * HTTPS; two listeners with the same port, protocol and hostname), and how conflicts are found.
 * These build Gateways directly, without the file source's validation.
 */
import { type Gateway, type GatewayListener } from '../apis/gateway-api';
import { emptyResources } from '../store/resources';
import { issueCertificate } from '../../test/support/certificates';
import { buildListenerContexts, isListenerProgrammed, listenerStatus } from './listener';
import { DEFAULT_CONTROLLER_NAME, type TranslateOptions } from './options';
import { ResourceIndex } from './resource-index';

const OPTIONS: TranslateOptions = {
  controllerName: DEFAULT_CONTROLLER_NAME,
  defaultAddress: '127.0.0.1',
  privilegedPortShift: 10000,
  now: '1970-01-01T00:00:00Z',
};

function fakeGateway(listeners: GatewayListener[]): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default', generation: 3 },
    spec: { gatewayClassName: 'attache', listeners },
  };
}

const https = (name: string, hostname?: string, port = 443): GatewayListener => ({
  name,
  port,
  protocol: 'HTTPS',
  ...(hostname ? { hostname } : {}),
  tls: { certificateRefs: [{ name: 'cert' }] },
});

let index: ResourceIndex;

beforeAll(async () => {
  const cert = await issueCertificate(['*.example.com']);
  const data = { 'tls.crt': Buffer.from(cert.certPem).toString('base64'), 'tls.key': Buffer.from(cert.keyPem).toString('base64') };
  index = new ResourceIndex({
    ...emptyResources(),
    secrets: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cert', namespace: 'default' }, type: 'kubernetes.io/tls', data }],
  });
});

/** `type: status/reason` of every condition of each listener, by listener name. */
function conditions(listeners: GatewayListener[]): Record<string, Record<string, string>> {
  const contexts = buildListenerContexts(fakeGateway(listeners), '127.0.0.1', OPTIONS, index);
  return Object.fromEntries(
    contexts.map((ctx) => [ctx.listener.name, Object.fromEntries(listenerStatus(ctx, 0, OPTIONS).conditions.map((c) => [c.type, `${c.status}/${c.reason}`]))]),
  );
}

describe('listeners', () => {
  it('serves HTTPS with a resolved certificate', () => {
    const [ctx] = buildListenerContexts(fakeGateway([https('a', 'a.example.com')]), '127.0.0.1', OPTIONS, index);
    expect(isListenerProgrammed(ctx)).toBe(true);
    expect(ctx.certificates.map((s) => s.name)).toEqual(['default/cert']);
    expect(ctx.port).toBe(10443);
  });

  it('refuses tls.mode Passthrough on HTTPS: Accepted=False, UnsupportedValue', () => {
    const passthrough: GatewayListener = { name: 'p', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } };
    expect(conditions([passthrough]).p).toEqual({
      Accepted: 'False/UnsupportedValue',
      ResolvedRefs: 'True/ResolvedRefs',
      Conflicted: 'False/NoConflicts',
      Programmed: 'False/Invalid',
    });
  });

  it('treats core protocol names case-insensitively', () => {
    const lower = { name: 'h', port: 80, protocol: 'http' };
    const prefixed = { name: 'x', port: 81, protocol: 'example.com/HTTP' };
    const out = conditions([lower, prefixed]);
    expect(out.h.Accepted).toBe('True/Accepted');
    expect(out.x.Accepted).toBe('False/UnsupportedProtocol');
  });
});

describe('listener conflicts', () => {
  it('rejects every listener with the same port, protocol and hostname (HostnameConflict), none wins', () => {
    const out = conditions([https('a', 'a.example.com'), https('b', 'a.example.com'), https('c', 'c.example.com')]);
    for (const name of ['a', 'b']) {
      expect(out[name]).toMatchObject({ Accepted: 'False/HostnameConflict', Conflicted: 'True/HostnameConflict', Programmed: 'False/Invalid' });
    }
    expect(out.c).toMatchObject({ Accepted: 'True/Accepted', Conflicted: 'False/NoConflicts', Programmed: 'True/Programmed' });
  });

  it('counts no hostname as one value, and an exact name is distinct from a wildcard over it', () => {
    const out = conditions([https('any'), https('any-too'), https('exact', 'a.example.com'), https('wild', '*.example.com')]);
    expect(out.any.Conflicted).toBe('True/HostnameConflict');
    expect(out['any-too'].Conflicted).toBe('True/HostnameConflict');
    expect(out.exact.Conflicted).toBe('False/NoConflicts');
    expect(out.wild.Conflicted).toBe('False/NoConflicts');
  });

  it('rejects every listener of a port that mixes protocols (ProtocolConflict), before looking at hostnames', () => {
    const out = conditions([https('s', 'a.example.com', 8443), { name: 'p', port: 8443, protocol: 'HTTP', hostname: 'a.example.com' }]);
    expect(out.s.Conflicted).toBe('True/ProtocolConflict');
    expect(out.p).toMatchObject({ Accepted: 'False/ProtocolConflict', Conflicted: 'True/ProtocolConflict' });
  });

  it('leaves unsupported protocols out: a TCP listener does not conflict with HTTP on its port', () => {
    const out = conditions([
      { name: 'h', port: 80, protocol: 'HTTP' },
      { name: 't', port: 80, protocol: 'TCP' },
    ]);
    expect(out.h).toMatchObject({ Accepted: 'True/Accepted', Conflicted: 'False/NoConflicts' });
    expect(out.t).toMatchObject({ Accepted: 'False/UnsupportedProtocol', Conflicted: 'False/NoConflicts' });
  });
});
