import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCrdSchemas } from '../validation/crd-schemas';
import { FileSource } from './file-source';
import { formatSourceError } from './parse';

const schemas = loadCrdSchemas();
const ROUTE = (backend: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: r}\nspec:\n  rules: [{backendRefs: [{name: ${backend}, port: 8080}]}]\n`;

async function backendOf(source: FileSource): Promise<string | undefined> {
  const route = (await source.load()).objects.find((o) => o.kind === 'GRPCRoute') as unknown as
    { spec: { rules: Array<{ backendRefs: Array<{ name: string }> }> } } | undefined;
  return route?.spec.rules[0].backendRefs[0].name;
}

/** Rewrites a file so that its mtime or size surely differs from the last read. */
function rewrite(file: string, text: string): void {
  fs.writeFileSync(file, text);
  const t = new Date(Date.now() + 1000 * Math.random() + 1000);
  fs.utimesSync(file, t, t);
}

describe('FileSource', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads directories recursively, defaults the namespace and applies CRD defaults', async () => {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'r.yaml'), ROUTE('a'));
    fs.writeFileSync(path.join(dir, '.r.yaml.swp'), 'garbage: [');
    const snap = await new FileSource([dir], schemas).load();
    expect(snap.errors).toEqual([]);
    const route = snap.objects[0] as unknown as {
      metadata: { namespace: string };
      spec: { rules: Array<{ backendRefs: Array<{ group: string; kind: string; weight: number }> }> };
    };
    expect(route.metadata.namespace).toBe('default');
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({ group: '', kind: 'Service', weight: 1 });
  });

  it('keeps the last good objects of a file that stops parsing, and reports where', async () => {
    const file = path.join(dir, 'r.yaml');
    fs.writeFileSync(file, ROUTE('a'));
    const source = new FileSource([dir], schemas);
    expect(await backendOf(source)).toBe('a');
    rewrite(file, `${ROUTE('b')}  - [unclosed\n`);
    const snap = await source.load();
    expect(snap.errors.map(formatSourceError).join('\n')).toMatch(/r\.yaml: document 1: YAML/);
    expect(await backendOf(source)).toBe('a');
  });

  it('keeps the last good version of an object that fails validation, naming the field', async () => {
    const file = path.join(dir, 'r.yaml');
    fs.writeFileSync(file, ROUTE('a'));
    const source = new FileSource([dir], schemas);
    await source.load();
    rewrite(file, ROUTE('a').replace('port: 8080', 'port: 99999'));
    const snap = await source.load();
    expect(snap.errors.map(formatSourceError)).toEqual([
      expect.stringMatching(/r\.yaml: document 1: GRPCRoute default\/r: spec\.rules\[0\]\.backendRefs\[0\]\.port: must be <= 65535/),
    ]);
    expect(await backendOf(source)).toBe('a');
  });

  it('drops the objects of a deleted file', async () => {
    const file = path.join(dir, 'r.yaml');
    fs.writeFileSync(file, ROUTE('a'));
    const source = new FileSource([dir], schemas);
    expect((await source.load()).objects).toHaveLength(1);
    fs.rmSync(file);
    expect((await source.load()).objects).toHaveLength(0);
  });

  it('reads only the files a change names, and scans everything when a name is not a manifest file', async () => {
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    const routeNamed = (name: string, backend: string): string => ROUTE(backend).replace('name: r}', `name: ${name}}`);
    fs.writeFileSync(a, routeNamed('a', 'one'));
    fs.writeFileSync(b, routeNamed('b', 'one'));
    const source = new FileSource([dir], schemas);
    const backends = async (changed?: ReadonlySet<string>): Promise<string[]> =>
      ((await source.load(changed)).objects as unknown as Array<{ spec: { rules: Array<{ backendRefs: Array<{ name: string }> }> } }>).map(
        (o) => o.spec.rules[0].backendRefs[0].name,
      );
    expect(await backends()).toEqual(['one', 'one']);
    rewrite(a, routeNamed('a', 'two'));
    rewrite(b, routeNamed('b', 'two'));
    // Only a.yaml was named (and an editor's temp file, skipped): b.yaml is not read yet.
    expect(await backends(new Set([a, path.join(dir, '.a.yaml.swp')]))).toEqual(['two', 'one']);
    // A name that may be a directory: everything is looked at.
    expect(await backends(new Set([path.join(dir, 'sub')]))).toEqual(['two', 'two']);
    fs.rmSync(a);
    expect(await backends(new Set([a]))).toEqual(['two']);
    // A file outside the served paths is ignored even when named.
    const outside = path.join(os.tmpdir(), 'attache-not-served.yaml');
    expect(await backends(new Set([outside]))).toEqual(['two']);
  });

  it('sees every replacement of a file by rename, as editors save, also in subdirectories created later', async () => {
    const source = new FileSource([dir], schemas);
    let events = 0;
    const named = new Set<string>();
    source.watch((file) => {
      events++;
      if (file) named.add(file);
    });
    try {
      const replace = async (file: string, backend: string): Promise<void> => {
        const before = events;
        const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
        fs.writeFileSync(tmp, ROUTE(backend));
        fs.renameSync(tmp, file);
        await waitUntil(() => events > before);
        expect(await backendOf(source)).toBe(backend);
      };
      // Equal sizes: only the inode tells the versions apart when the mtime does not.
      for (const backend of ['aaa', 'bbb', 'ccc']) await replace(path.join(dir, 'r.yaml'), backend);
      fs.rmSync(path.join(dir, 'r.yaml'));
      const beforeMkdir = events;
      fs.mkdirSync(path.join(dir, 'sub'));
      await waitUntil(() => events > beforeMkdir);
      for (const backend of ['ddd', 'eee']) await replace(path.join(dir, 'sub', 'r.yaml'), backend);
      // Events name the file, so a reload can read just that one.
      expect(named).toContain(path.join(dir, 'sub', 'r.yaml'));
      // The temporary dot-files renamed over them are never served, so they cause no reload.
      expect([...named].filter((f) => path.basename(f).startsWith('.'))).toEqual([]);
    } finally {
      source.close();
    }
  });
});

/** Polls until `condition` holds; fails after 5 s (watch events arrive within milliseconds). */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('no watch event within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
