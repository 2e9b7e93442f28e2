import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { fakeGateway } from '../../../test/support/fake-resources';
import { buildSnapshot } from '../cache/snapshot';
import { TypeUrl } from '../resources';
import {
  issueCertificate,
  issueGatewayClientCertificate,
  makeCertificateAuthority,
  type TestCertificate,
  type TestCertificateAuthority,
} from '../../../test/support/certificates';
import { type AdsHarness, fakeNode, resourceNames, startAdsHarness } from '../../../test/support/fake-ads-client';
import { loadXdsTlsFiles, xdsServerCredentials, XdsTlsError, XdsTlsFileProvider, type XdsTlsFiles } from './tls';

const SERVER_NAME = 'xds.attache.test';
/** The Gateway the clients ask for; their certificates name it (authorization.ts). */
const GATEWAY = 'default/gw';

interface Pki {
  ca: TestCertificateAuthority;
  server: TestCertificate;
  client: TestCertificate;
}

async function makePki(name: string): Promise<Pki> {
  const ca = await makeCertificateAuthority(name);
  return {
    ca,
    server: await issueCertificate([SERVER_NAME], { ca }),
    client: await issueGatewayClientCertificate(ca, [GATEWAY]),
  };
}

let pki: Pki;
let otherPki: Pki;
let dir: string;
let files: XdsTlsFiles;

function writeServerFiles(p: Pki): void {
  fs.writeFileSync(files.certFile, p.server.certPem);
  fs.writeFileSync(files.keyFile, p.server.keyPem);
  fs.writeFileSync(files.clientCaFile, p.ca.certPem);
}

beforeAll(async () => {
  [pki, otherPki] = await Promise.all([makePki('Attache xDS CA'), makePki('Some Other CA')]);
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-xds-tls-'));
  files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key'), clientCaFile: path.join(dir, 'ca.crt') };
  writeServerFiles(pki);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Channel credentials trusting `trust`'s CA, presenting `client` (or no certificate). */
function clientCredentials(trust: Pki, client?: TestCertificate): grpc.ChannelCredentials {
  const ca = Buffer.from(trust.ca.certPem);
  return client ? grpc.credentials.createSsl(ca, Buffer.from(client.keyPem), Buffer.from(client.certPem)) : grpc.credentials.createSsl(ca);
}

/** Opens a SotW stream and asks for clusters: resolves to the names, or to the gRPC status code. */
function askForClusters(h: AdsHarness): Promise<string[] | grpc.status> {
  const s = h.sotw();
  s.send({ node: fakeNode(GATEWAY), type_url: TypeUrl.Cluster });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither a response nor the end of the stream within 10 s')), 10_000);
    const settle = (result: string[] | grpc.status): void => {
      clearTimeout(timer);
      cancel();
      resolve(result);
    };
    const cancel = s.wait((response) => settle(resourceNames(response)));
    void s.status.then((status) => settle(status.code));
  });
}

describe('xDS over mTLS', () => {
  const harnesses: AdsHarness[] = [];
  const providers: XdsTlsFileProvider[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    for (const p of providers.splice(0)) p.stop();
  });

  async function serve(client: grpc.ChannelCredentials, provider?: XdsTlsFileProvider): Promise<AdsHarness> {
    const p = provider ?? new XdsTlsFileProvider(files, pino({ level: 'silent' }), 3_600_000);
    if (!provider) providers.push(p);
    const h = await startAdsHarness({
      serverCredentials: xdsServerCredentials(p),
      clientCredentials: client,
      clientOptions: { 'grpc.ssl_target_name_override': SERVER_NAME, 'grpc.default_authority': SERVER_NAME },
    });
    harnesses.push(h);
    expect(h.cache.setSnapshot(GATEWAY, buildSnapshot(fakeGateway()))).toEqual({ ok: true });
    return h;
  }

  it('serves a client whose certificate chains to the client CA', async () => {
    const h = await serve(clientCredentials(pki, pki.client));
    expect(await askForClusters(h)).toEqual(['backend-a', 'backend-b']);
  });

  it('gives nothing to a client without a certificate, or with one from another CA', async () => {
    for (const creds of [clientCredentials(pki), clientCredentials(pki, otherPki.client)]) {
      const h = await serve(creds);
      expect(await askForClusters(h)).toBe(grpc.status.UNAVAILABLE);
    }
  });

  it('gives nothing to a plaintext client', async () => {
    const h = await serve(grpc.credentials.createInsecure());
    expect(await askForClusters(h)).toBe(grpc.status.UNAVAILABLE);
  });

  it('picks up rotated files, and keeps the last good set when new files are broken', async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const provider = new XdsTlsFileProvider(files, logger, 3_600_000);
    providers.push(provider);
    expect(await askForClusters(await serve(clientCredentials(pki, pki.client), provider))).toEqual(['backend-a', 'backend-b']);

    // A half-done rotation: a certificate without its key. Refused; the old set still serves.
    fs.writeFileSync(files.certFile, otherPki.server.certPem);
    provider.refresh();
    provider.refresh();
    expect(logs.filter((l) => l.includes('not reloaded'))).toHaveLength(1);
    expect(await askForClusters(await serve(clientCredentials(pki, pki.client), provider))).toEqual(['backend-a', 'backend-b']);

    // The whole rotation to another CA: new clients of that CA get in, those of the old one do not.
    writeServerFiles(otherPki);
    provider.refresh();
    expect(logs.some((l) => l.includes('xDS TLS certificate reloaded'))).toBe(true);
    expect(await askForClusters(await serve(clientCredentials(otherPki, otherPki.client), provider))).toEqual(['backend-a', 'backend-b']);
    expect(await askForClusters(await serve(clientCredentials(otherPki, pki.client), provider))).toBe(grpc.status.UNAVAILABLE);
  });
});

describe('loadXdsTlsFiles', () => {
  it('names the file that is missing, not PEM, or does not match', () => {
    expect(() => loadXdsTlsFiles({ ...files, keyFile: path.join(dir, 'nope.key') })).toThrow(
      new XdsTlsError(`xDS server key ${path.join(dir, 'nope.key')}: ENOENT`),
    );
    fs.writeFileSync(files.clientCaFile, 'not a certificate');
    expect(() => loadXdsTlsFiles(files)).toThrow(`xDS client CA ${files.clientCaFile}: no PEM certificate in it`);
    writeServerFiles(pki);
    fs.writeFileSync(files.keyFile, otherPki.server.keyPem);
    expect(() => loadXdsTlsFiles(files)).toThrow(/key values mismatch/);
    expect(() => new XdsTlsFileProvider(files, pino({ level: 'silent' }))).toThrow(XdsTlsError);
  });
});
