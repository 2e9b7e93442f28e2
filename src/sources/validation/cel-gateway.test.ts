import { describeRuleCases, errorsOf, expectAllMessagesCovered, type Fields, gatewayApiObject, type RuleCase } from './cel-test-support';

const HTTP = { name: 'http', port: 80, protocol: 'HTTP' };
const gateway = (spec: Fields, extra: Fields = {}) => gatewayApiObject('Gateway', { gatewayClassName: 'attache', listeners: [HTTP], ...spec }, extra);
const listeners = (...ls: Fields[]) => gateway({ listeners: ls });
const HOSTNAME_CHARS = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const LONG_PREFIX = `${'a'.repeat(253)}/name`;
const perPort = (port: number) => ({ port, tls: { validation: { caCertificateRefs: [{ name: 'ca', kind: 'ConfigMap', group: '' }] } } });

const cases: RuleCase[] = [
  {
    message: 'IPAddress values must be unique',
    field: 'spec.addresses',
    object: gateway({
      addresses: [
        { type: 'IPAddress', value: '10.0.0.1' },
        { type: 'IPAddress', value: '10.0.0.1' },
      ],
    }),
  },
  {
    message: 'Hostname values must be unique',
    field: 'spec.addresses',
    object: gateway({
      addresses: [
        { type: 'Hostname', value: 'a.example.com' },
        { type: 'Hostname', value: 'a.example.com' },
      ],
    }),
  },
  {
    message: `Hostname value must be empty or contain only valid characters (matching ${HOSTNAME_CHARS})`,
    field: 'spec.addresses[0]',
    object: gateway({ addresses: [{ type: 'Hostname', value: 'Not_A_Host' }] }),
  },
  {
    message: 'Annotation keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.',
    field: 'spec.infrastructure.annotations',
    object: gateway({ infrastructure: { annotations: { 'not a key': 'v' } } }),
  },
  {
    message: "If specified, the annotation key's prefix must be a DNS subdomain not longer than 253 characters in total.",
    field: 'spec.infrastructure.annotations',
    object: gateway({ infrastructure: { annotations: { [LONG_PREFIX]: 'v' } } }),
  },
  {
    message: 'Label keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.',
    field: 'spec.infrastructure.labels',
    object: gateway({ infrastructure: { labels: { '-leading-dash': 'v' } } }),
  },
  {
    message: "If specified, the label key's prefix must be a DNS subdomain not longer than 253 characters in total.",
    field: 'spec.infrastructure.labels',
    object: gateway({ infrastructure: { labels: { [LONG_PREFIX]: 'v' } } }),
  },
  {
    message: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    field: 'spec.listeners',
    object: listeners({ ...HTTP, tls: { certificateRefs: [{ name: 'cert' }] } }),
  },
  {
    message: 'tls mode must be Terminate for protocol HTTPS',
    field: 'spec.listeners',
    object: listeners({ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } }),
  },
  {
    message: 'tls mode must be set for protocol TLS',
    field: 'spec.listeners',
    object: listeners({ name: 'tls', port: 443, protocol: 'TLS' }),
  },
  {
    message: "hostname must not be specified for protocols ['TCP', 'UDP']",
    field: 'spec.listeners',
    object: listeners({ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example.com' }),
  },
  {
    message: 'Listener name must be unique within the Gateway',
    field: 'spec.listeners',
    object: listeners(HTTP, { ...HTTP, port: 8080 }),
  },
  {
    message: 'Combination of port, protocol and hostname must be unique for each listener',
    field: 'spec.listeners',
    object: listeners(HTTP, { ...HTTP, name: 'http-2' }),
  },
  {
    message: 'certificateRefs or options must be specified when mode is Terminate',
    field: 'spec.listeners[0].tls',
    object: listeners({ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [], options: {} } }),
  },
  {
    message: 'Port for TLS configuration must be unique within the Gateway',
    field: 'spec.tls.frontend.perPort',
    object: gateway({ tls: { frontend: { default: perPort(443).tls, perPort: [perPort(8443), perPort(8443)] } } }),
  },
  {
    message: `Hostname value must only contain valid characters (matching ${HOSTNAME_CHARS})`,
    field: 'status.addresses[0]',
    object: gateway({}, { status: { addresses: [{ type: 'Hostname', value: 'Not_A_Host' }] } }),
  },
];

describe('Gateway CEL rules', () => {
  describeRuleCases('each rule rejects an object that breaks it', cases);
  expectAllMessagesCovered('Gateway', cases);

  it('accepts a Gateway that keeps every rule', () => {
    const ok = listeners(
      HTTP,
      { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'a.example.com', tls: { certificateRefs: [{ name: 'cert' }] } },
      { name: 'https-b', port: 443, protocol: 'HTTPS', hostname: 'b.example.com', tls: { certificateRefs: [{ name: 'cert' }] } },
      { name: 'tls', port: 8443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
    );
    expect(errorsOf(ok)).toEqual([]);
  });

  it('reports every broken rule, not just the first', () => {
    const errors = errorsOf(listeners(HTTP, { ...HTTP, tls: { certificateRefs: [{ name: 'c' }] } }));
    expect(errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
        'Listener name must be unique within the Gateway',
        'Combination of port, protocol and hostname must be unique for each listener',
      ]),
    );
  });

  it('rejects, as the apiserver does, a rule that fails to evaluate (a missing field), naming the rule', () => {
    // Neither certificateRefs nor options: `size(self.certificateRefs)` reads a field that is not there.
    const errors = errorsOf(listeners({ name: 'https', port: 443, protocol: 'HTTPS', tls: {} }));
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('spec.listeners[0].tls');
    expect(errors[0].message).toMatch(/certificateRefs.* evaluating rule: certificateRefs or options must be specified when mode is Terminate$/);
  });

  it('sees defaults: an omitted tls.mode is Terminate, so "tls mode must be set for protocol TLS" holds', () => {
    const errors = errorsOf(listeners({ name: 'tls', port: 443, protocol: 'TLS', tls: { options: { a: 'b' } } }));
    expect(errors).toEqual([]);
  });
});
