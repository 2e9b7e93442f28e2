import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { referencedObjects, volumeContent, type VolumeSources, writePodFilesystem } from './pod-volumes';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const sources: VolumeSources = {
  secret: (name) => (name === 'tls' ? { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') } : undefined),
  configMap: (name) => (name === 'boot' ? { data: { 'envoy.yaml': 'admin: {}' }, binaryData: { 'blob.bin': b64('\u0001') } } : undefined),
  field: (f) => (f === 'metadata.name' ? 'pod-a' : undefined),
};
const files = (c: ReturnType<typeof volumeContent>): Record<string, string> => {
  if ('waiting' in c) throw new Error(c.waiting);
  return Object.fromEntries([...c.files].map(([k, v]) => [k, v.toString('utf8')]));
};

describe('volumeContent', () => {
  it('makes a file per key of a Secret (decoded) or ConfigMap (data and binaryData)', () => {
    expect(files(volumeContent({ name: 'v', secret: { secretName: 'tls' } }, sources))).toEqual({ 'tls.crt': 'CERT', 'tls.key': 'KEY' });
    expect(files(volumeContent({ name: 'v', configMap: { name: 'boot' } }, sources))).toEqual({ 'envoy.yaml': 'admin: {}', 'blob.bin': '\u0001' });
  });
  it('honours items, and makes emptyDir, downwardAPI and projected volumes', () => {
    expect(files(volumeContent({ name: 'v', secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: 'certs/c.pem' }] } }, sources))).toEqual({
      'certs/c.pem': 'CERT',
    });
    expect(files(volumeContent({ name: 'v', emptyDir: {} }, sources))).toEqual({});
    expect(files(volumeContent({ name: 'v', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }, sources))).toEqual({
      name: 'pod-a',
    });
    const projected = {
      name: 'v',
      projected: {
        sources: [
          { secret: { name: 'tls', items: [{ key: 'tls.key', path: 'k' }] } },
          { configMap: { name: 'boot', items: [{ key: 'envoy.yaml', path: 'e' }] } },
          { serviceAccountToken: {} },
        ],
      },
    };
    expect(files(volumeContent(projected, sources))).toEqual({ k: 'KEY', e: 'admin: {}' });
  });
  it('waits for a missing Secret, ConfigMap or key unless optional, naming the volume', () => {
    expect(volumeContent({ name: 'certs', secret: { secretName: 'nope' } }, sources)).toEqual({ waiting: 'volume certs: Secret nope not found' });
    expect(volumeContent({ name: 'v', configMap: { name: 'boot', items: [{ key: 'x', path: 'x' }] } }, sources)).toEqual({
      waiting: 'volume v: ConfigMap boot has no key x',
    });
    expect(files(volumeContent({ name: 'v', secret: { secretName: 'nope', optional: true } }, sources))).toEqual({});
  });
  it('refuses paths that leave the volume', () => {
    expect(volumeContent({ name: 'v', secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: '../../etc/passwd' }] } }, sources)).toEqual({
      waiting: expect.stringContaining("may not contain '..'"),
    });
    expect(volumeContent({ name: 'v', secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: '/etc/passwd' }] } }, sources)).toEqual({
      waiting: expect.stringContaining('relative'),
    });
    expect(volumeContent({ name: 'v', hostPath: {} } as never, sources)).toEqual({ waiting: expect.stringContaining('only emptyDir') });
  });
});

describe('referencedObjects', () => {
  it('lists the Secrets and ConfigMaps to fetch, once each', () => {
    expect(
      referencedObjects([
        { name: 'a', secret: { secretName: 's' } },
        { name: 'b', projected: { sources: [{ secret: { name: 's' } }, { configMap: { name: 'c' } }] } },
        { name: 'c', configMap: { name: 'c' } },
      ]),
    ).toEqual({ secrets: ['s'], configMaps: ['c'] });
  });
});

describe('writePodFilesystem', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-volumes-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes each volume once and links every mount (one volume at two paths is one directory)', () => {
    const contents = new Map([['boot', new Map([['envoy.yaml', Buffer.from('x')]])]]);
    const mounts = writePodFilesystem(root, [{ name: 'boot', emptyDir: {} }], contents, [
      { name: 'boot', mountPath: '/etc/envoy/bootstrap' },
      { name: 'boot', mountPath: '/boot' },
      { name: 'boot', mountPath: '/etc/envoy/bootstrap' },
    ]);
    expect(mounts).toEqual([
      { mountPath: '/etc/envoy/bootstrap', hostPath: path.join(root, 'fs/etc/envoy/bootstrap') },
      { mountPath: '/boot', hostPath: path.join(root, 'fs/boot') },
    ]);
    fs.writeFileSync(path.join(root, 'fs/boot/new'), 'y');
    expect(fs.readFileSync(path.join(root, 'fs/etc/envoy/bootstrap/new'), 'utf8')).toBe('y');
    expect(fs.readFileSync(path.join(root, 'fs/etc/envoy/bootstrap/envoy.yaml'), 'utf8')).toBe('x');
  });
  it('refuses undeclared volumes and mount or sub paths that leave the Pod', () => {
    expect(() => writePodFilesystem(root, [], new Map(), [{ name: 'x', mountPath: '/x' }])).toThrow('does not declare');
    expect(() => writePodFilesystem(root, [{ name: 'x', emptyDir: {} }], new Map(), [{ name: 'x', mountPath: '/a/../../b' }])).toThrow("without '..'");
    expect(() => writePodFilesystem(root, [{ name: 'x', emptyDir: {} }], new Map(), [{ name: 'x', mountPath: '/a', subPath: '../b' }])).toThrow('subPath');
  });
});
