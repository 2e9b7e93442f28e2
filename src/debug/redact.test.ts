import { redact, redactText, REDACTED } from './redact';

const PEM = (label: string): string => `-----BEGIN ${label}-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRET\n-----END ${label}-----\n`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('redactText', () => {
  it.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'])('takes out a PEM %s, keeping the text around it', (label) => {
    expect(redactText(`bad key: ${PEM(label)}(line 3)`)).toBe(`bad key: ${REDACTED}\n(line 3)`);
  });

  it('takes out a PEM key cut short (no END line)', () => {
    expect(redactText(`quoted: ${PEM('PRIVATE KEY').slice(0, 70)}`)).toBe(`quoted: ${REDACTED}`);
  });

  it('takes out base64 of a PEM key, alone or inside JSON text', () => {
    const encoded = b64(PEM('EC PRIVATE KEY'));
    expect(redactText(encoded)).toBe(REDACTED);
    expect(redactText(JSON.stringify({ data: { 'tls.key': encoded } }))).toBe(JSON.stringify({ data: { 'tls.key': REDACTED } }));
  });

  it('takes out base64 of a PEM key wrapped at 76 columns, every line of it', () => {
    const wrapped = b64(PEM('PRIVATE KEY')).replace(/(.{76})/g, '$1\n');
    expect(wrapped.split('\n').length).toBeGreaterThan(2);
    // Text on the next line that could be base64 goes too; an error message loses a word at most.
    expect(redactText(`tls.key:\n${wrapped}\n(end of file)`)).toBe(`tls.key:\n${REDACTED}\n(end of file)`);
  });

  it('keeps certificates and other text as they are', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(redactText(cert)).toBe(cert);
    expect(redactText(b64(cert))).toBe(b64(cert));
    expect(redactText('route default/r: regex is invalid')).toBe('route default/r: regex is invalid');
  });
});

describe('redact', () => {
  it('keeps the keys of every Secret type and takes out the values of data and stringData', () => {
    const secrets = [
      { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 't' }, data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' } },
      { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'o' }, data: { password: 'aHVudGVyMg==' } },
      { kind: 'Secret', metadata: { name: 's' }, stringData: { token: 'hunter2' } },
    ];
    expect(redact(secrets)).toEqual([
      { ...secrets[0], data: { 'tls.crt': REDACTED, 'tls.key': REDACTED } },
      { ...secrets[1], data: { password: REDACTED } },
      { ...secrets[2], stringData: { token: REDACTED } },
    ]);
    expect(secrets[1].data?.password).toBe('aHVudGVyMg=='); // a copy: the input is untouched
  });

  it('takes out the last-applied annotation and managedFields of any object', () => {
    const gateway = {
      kind: 'Gateway',
      metadata: {
        name: 'gw',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Secret","data":{"x":"eA=="}}', team: 'a' },
        managedFields: [{}, {}],
      },
    };
    expect(redact(gateway).metadata).toEqual({
      name: 'gw',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': REDACTED, team: 'a' },
      managedFields: '[2 entries omitted]',
    });
  });

  it('takes out key fields by name: the IR privateKey and Envoy private_key, password, session ticket keys, generic secrets', () => {
    expect(redact({ name: 's', certificateChain: 'CERT', privateKey: 'KEY' })).toEqual({ name: 's', certificateChain: 'CERT', privateKey: REDACTED });
    const envoy = {
      name: 'a',
      tls_certificate: { certificate_chain: { inline_bytes: 'Q0VSVA==' }, private_key: { inline_bytes: 'S0VZ' }, password: { inline_string: 'p' } },
    };
    expect(redact(envoy).tls_certificate).toEqual({ certificate_chain: { inline_bytes: 'Q0VSVA==' }, private_key: REDACTED, password: REDACTED });
    expect(redact({ session_ticket_keys: { keys: [{ inline_bytes: 'x' }] }, generic_secret: { secret: { inline_string: 'y' } } })).toEqual({
      session_ticket_keys: REDACTED,
      generic_secret: REDACTED,
    });
  });

  it('finds keys by content anywhere: strings, buffers, errors, maps', () => {
    const err = new Error(`cannot load ${PEM('PRIVATE KEY')}`);
    const redactedErr = redact({ err }).err;
    expect(redactedErr).toBeInstanceOf(Error);
    expect(redactedErr.message).toBe(`cannot load ${REDACTED}\n`);
    expect(redactedErr.stack).not.toContain('SECRETSECRET');
    expect(err.message).toContain('SECRETSECRET');
    expect(redact([Buffer.from(PEM('PRIVATE KEY'))])).toEqual([REDACTED]);
    expect(redact(new Map([['k', PEM('PRIVATE KEY')]]))).toEqual(new Map([['k', `${REDACTED}\n`]]));
  });

  it('returns what holds no secret as it is, without a copy', () => {
    const status = [{ kind: 'Gateway', conditions: [{ type: 'Accepted', message: 'ok' }], at: new Date(0) }];
    expect(redact(status)).toBe(status);
    const err = new Error('plain');
    expect(redact(err)).toBe(err);
  });

  it('stops at a depth no real body reaches, so a cycle cannot hang it', () => {
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    expect(JSON.stringify(redact(cycle)).includes('[too deep]')).toBe(true);
  });
});
