/**
 * No secret leaves through the debug endpoint: a real store, reconciler, xDS server (with a
 * connected ADS client) and debug server, fed every shape a Secret comes in — kubernetes.io/tls
 * `data` (served to Envoy over SDS, so also in the IR and the config dump), `stringData`, an
 * Opaque Secret, the `last-applied-configuration` annotation `kubectl apply` writes, and
 * `managedFields` — plus an input error that quotes a key. Every path, in YAML and JSON, must
 * hold none of the key material.
 */
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import type { KubernetesObject } from '../apis/meta';
import type { ProtoGrpcType } from '../generated/ads';
import { AttacheMetrics } from '../metrics/registry';
import { Reconciler } from '../runner/reconciler';
import { Store } from '../store/store';
import { issueCertificate, type TestCertificate } from '../../test/support/certificates';
import { SnapshotCache } from '../xds/cache/snapshot-cache';
import { nodeKeyFromCluster } from '../xds/cache/node-key';
import { adsPackageDefinition } from '../xds/proto';
import { TypeUrl } from '../xds/resources';
import { createXdsServer, type XdsServer } from '../xds/server/ads';
import { AdsTestStream, eventually } from '../../test/support/fake-ads-client';
import { DEBUG_PATHS, startDebugServer, type DebugServer } from '../debug/server';
import { debugState } from './debug-state';
import type { SourceError } from '../sources/file/parse';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const OPAQUE_VALUE = 'hunter2-opaque-password';
const STRING_DATA_VALUE = 'hunter3-string-data-token';

let cert: TestCertificate;
let xds: XdsServer;
let debug: DebugServer;
let client: grpc.Client;
let stream: AdsTestStream<unknown, unknown>;

function objects(): KubernetesObject[] {
  const tls = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'site',
      namespace: 'default',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'site', namespace: 'default' },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': b64(cert.certPem), 'tls.key': b64(cert.keyPem) },
        }),
      },
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:data': { 'f:tls.key': {} } } }],
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(cert.certPem), 'tls.key': b64(cert.keyPem) },
  };
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache' },
      spec: { controllerName: 'attache.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'attache', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'site' }] } }] },
    },
    tls,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', namespace: 'default' }, type: 'Opaque', data: { password: b64(OPAQUE_VALUE) } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'string-data', namespace: 'default' },
      type: 'Opaque',
      stringData: { token: STRING_DATA_VALUE, key: cert.keyPem },
    },
  ] as KubernetesObject[];
}

/** Substrings that would show key material, whatever the encoding. */
function leaks(body: string): string[] {
  const keyLine = cert.keyPem.split('\n')[1];
  const markers = {
    'PEM key body': keyLine,
    'PEM key header': 'PRIVATE KEY-----',
    'base64 of the PEM key': b64(cert.keyPem).slice(0, 60),
    'base64 of the PEM key, inner': b64(cert.keyPem).slice(40, 100),
    'Opaque value': OPAQUE_VALUE,
    'base64 of the Opaque value': b64(OPAQUE_VALUE),
    'stringData value': STRING_DATA_VALUE,
  };
  // JSON escapes newlines: compare against both spellings.
  const unescaped = body.replace(/\\n/g, '\n');
  return Object.entries(markers).flatMap(([what, m]) => (body.includes(m) || unescaped.includes(m) ? [what] : []));
}

beforeAll(async () => {
  cert = await issueCertificate(['site.example.com']);
  const store = new Store();
  const cache = new SnapshotCache({ nodeKey: nodeKeyFromCluster });
  const options = () => ({
    controllerName: 'attache.dev/gateway-controller',
    defaultAddress: '127.0.0.1',
    privilegedPortShift: 10000,
    now: '2026-01-01T00:00:00Z',
  });
  const metrics = new AttacheMetrics();
  const reconciler = new Reconciler(store, cache, options, pino({ level: 'silent' }), undefined, { metrics });
  store.replaceAll(objects());
  reconciler.reconcile();
  expect(cache.getSnapshot('default/gw')?.resources(TypeUrl.Secret).size).toBe(1);
  xds = createXdsServer({ cache, logger: pino({ level: 'silent' }) });
  const port = await xds.listen('127.0.0.1:0');
  const quotedKey: SourceError = {
    file: 'bad.yaml',
    document: 1,
    object: 'Secret default/bad',
    field: 'data.tls.key',
    message: `cannot parse tls.key: ${cert.keyPem}`,
  };
  const state = { ...debugState(reconciler, store, () => [quotedKey], xds), metrics };
  debug = await startDebugServer('127.0.0.1', 0, state);
  const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
  const Client = loaded.envoy.service.discovery.v3.AggregatedDiscoveryService;
  const ads = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  client = ads;
  stream = new AdsTestStream(ads.StreamAggregatedResources() as unknown as grpc.ClientDuplexStream<unknown, unknown>);
  stream.send({ node: { id: 'envoy-1', cluster: 'default/gw' }, type_url: TypeUrl.Secret, resource_names: ['default/site'] });
  await eventually(() => xds.connections().some((c) => c.nodeId === 'envoy-1'));
});

afterAll(async () => {
  stream?.close();
  client?.close();
  await xds?.shutdown();
  await debug?.close();
});

async function get(path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${debug.port}${path}`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

describe('the debug endpoint never shows secret material', () => {
  const paths = [...DEBUG_PATHS, '/config_dump?proxy=envoy-1', '/config_dump?gateway=default/gw', '/nope'];
  it.each(paths.flatMap((p) => [p, `${p}${p.includes('?') ? '&' : '?'}format=json`]))('%s', async (path) => {
    expect(leaks(await get(path))).toEqual([]);
  });

  it('still shows what is not secret: which keys a Secret has, the certificate, that something was redacted', async () => {
    const objectsYaml = await get('/objects');
    expect(objectsYaml).toContain('tls.key: "[redacted]"');
    expect(objectsYaml).toContain('kubectl.kubernetes.io/last-applied-configuration: "[redacted]"');
    expect(objectsYaml).toContain('managedFields: "[1 entries omitted]"');
    expect(objectsYaml).toContain('password: "[redacted]"');
    expect(await get('/ir')).toContain('privateKey: "[redacted]"');
    const dump = await get('/config_dump?proxy=envoy-1&format=json');
    expect(dump).toContain(b64(cert.certPem).slice(0, 60));
    expect(await get('/errors')).toContain('cannot parse tls.key: [redacted]');
  });
});
