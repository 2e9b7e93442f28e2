/**
 * Hostile or broken files (issue 13, item 4 and the duplicate objects of item 6): none of them
 * may crash, hang or bloat the control plane, and what already served keeps serving.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../../project-root';
import { loadCrdSchemas } from '../validation/crd-schemas';
import { FileSource } from './file-source';
import { formatSourceError } from './parse';

const schemas = loadCrdSchemas();
const EXAMPLES = path.join(PROJECT_ROOT, 'examples');
const TESTDATA = path.join(__dirname, 'testdata');
const route = (name: string, backend = 'b'): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: ${name}}\nspec:\n  rules: [{backendRefs: [{name: ${backend}, port: 8080}]}]\n`;

interface Loaded {
  names: string[];
  errors: string[];
}

async function load(source: FileSource, changed?: ReadonlySet<string>, inPlace?: ReadonlySet<string>): Promise<Loaded> {
  const snap = await source.load(changed, inPlace);
  return { names: snap.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), errors: snap.errors.map(formatSourceError) };
}

describe('FileSource with hostile or broken files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-hostile-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string): string => path.join(dir, name);

  it('refuses a FIFO named *.yaml without blocking, on a scan and on a watch event', async () => {
    fs.writeFileSync(file('r.yaml'), route('r'));
    execFileSync('mkfifo', [file('fifo.yaml')]);
    const source = new FileSource([dir], schemas);
    const expected = { names: ['GRPCRoute/r'], errors: [expect.stringMatching(/fifo\.yaml: not a regular file \(a FIFO\)/)] };
    expect(await load(source)).toEqual(expected);
    expect(await load(source, new Set([file('fifo.yaml')]))).toEqual(expected);
  });

  it('refuses a symlink to /dev/zero named *.yaml (it never ends)', async () => {
    fs.symlinkSync('/dev/zero', file('zero.yaml'));
    const source = new FileSource([dir], schemas);
    expect(await load(source)).toEqual({ names: [], errors: [expect.stringMatching(/zero\.yaml: not a regular file \(a character device\)/)] });
    expect(await load(source, new Set([file('zero.yaml')]))).toEqual({ names: [], errors: [expect.stringMatching(/zero\.yaml: not a regular file/)] });
  });

  it('refuses a 50 MB file without reading it, and the file keeps what it served', async () => {
    fs.writeFileSync(file('big.yaml'), route('big'));
    const source = new FileSource([dir], schemas);
    expect((await load(source)).names).toEqual(['GRPCRoute/big']);
    fs.truncateSync(file('big.yaml'), 50 * 1024 * 1024); // sparse: no 50 MB written to the test's disk
    expect(await load(source, new Set([file('big.yaml')]))).toEqual({
      names: ['GRPCRoute/big'],
      errors: [expect.stringMatching(/big\.yaml: file is 52428800 bytes, more than the limit of 4194304 bytes \(4 MiB\)/)],
    });
  });

  it('serves the files inside a directory named *.yaml, on a scan and when an event names it', async () => {
    fs.mkdirSync(file('d.yaml'));
    fs.writeFileSync(path.join(dir, 'd.yaml', 'r.yaml'), route('r'));
    const source = new FileSource([dir], schemas);
    expect(await load(source)).toEqual({ names: ['GRPCRoute/r'], errors: [] });
    expect(await load(source, new Set([file('d.yaml')]))).toEqual({ names: ['GRPCRoute/r'], errors: [] });
  });

  it('follows symlinked manifests the same on a full scan and on a watch event', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-elsewhere-'));
    try {
      fs.writeFileSync(path.join(elsewhere, 'target.yaml'), route('linked'));
      fs.mkdirSync(path.join(elsewhere, 'sub'));
      fs.writeFileSync(path.join(elsewhere, 'sub', 'r.yaml'), route('in-linked-dir'));
      fs.symlinkSync(path.join(elsewhere, 'target.yaml'), file('link.yaml'));
      fs.symlinkSync(path.join(elsewhere, 'sub'), file('linked-dir'));
      const scanned = new FileSource([dir], schemas);
      expect(await load(scanned)).toEqual({ names: ['GRPCRoute/in-linked-dir', 'GRPCRoute/linked'], errors: [] });
      const watched = new FileSource([dir], schemas);
      fs.rmSync(file('link.yaml'));
      expect((await load(watched)).names).toEqual(['GRPCRoute/in-linked-dir']);
      fs.symlinkSync(path.join(elsewhere, 'target.yaml'), file('link.yaml'));
      expect(await load(watched, new Set([file('link.yaml')]))).toEqual({ names: ['GRPCRoute/in-linked-dir', 'GRPCRoute/linked'], errors: [] });
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('detects symlink loops: a directory linking to its parent, a link to a directory above the served one, a link to itself', async () => {
    fs.mkdirSync(file('sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'r.yaml'), route('r'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    fs.symlinkSync('self.yaml', file('self.yaml'));
    fs.symlinkSync(path.dirname(dir), file('to-parent'));
    const source = new FileSource([dir], schemas);
    const expected = {
      names: ['GRPCRoute/r'],
      errors: [
        expect.stringMatching(/self\.yaml: symlink loop/),
        expect.stringMatching(/sub\/up: symlink loop: this directory links back to one above it/),
        expect.stringMatching(/to-parent: symlink loop: this directory links back to one above it/),
      ],
    };
    expect(await load(source)).toEqual({ names: expected.names, errors: expect.arrayContaining(expected.errors) });
    expect((await load(source, new Set([file('self.yaml')]))).errors).toEqual(expect.arrayContaining([expected.errors[0]]));
  });

  it('never applies a file that changed during the settle: it keeps what it served until the file is stable', async () => {
    const r = file('r.yaml');
    fs.writeFileSync(r, route('a') + '---\n' + route('b'));
    let duringSettle = (): void => undefined;
    const source = new FileSource([dir], schemas, { settleMs: 1, wait: async () => duringSettle() });
    expect((await load(source)).names).toEqual(['GRPCRoute/a', 'GRPCRoute/b']);
    // A writer truncates the file and writes a prefix that parses on its own (route a only)…
    fs.writeFileSync(r, route('a'));
    // …and is still writing while the control plane waits for it to settle.
    duringSettle = () => fs.appendFileSync(r, '---\n');
    const half = await source.load(new Set([r]));
    expect(half.unsettled).toEqual([r]);
    expect(half.objects.map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    duringSettle = () => undefined;
    fs.appendFileSync(r, route('c'));
    const done = await source.load(new Set([r]));
    expect(done.unsettled).toEqual([]);
    expect(done.objects.map((o) => o.metadata.name).sort()).toEqual(['a', 'c']);
  });

  it('reads a file renamed into place at once, and makes a file written in place settle first', async () => {
    const r = file('r.yaml');
    fs.writeFileSync(r, route('a'));
    let waits = 0;
    const source = new FileSource([dir], schemas, { settleMs: 1, wait: async () => void waits++ });
    await load(source);
    expect(waits).toBe(1); // the first load is a full scan: everything settles
    const tmp = file('.r.yaml.tmp');
    fs.writeFileSync(tmp, route('b'));
    fs.renameSync(tmp, r);
    expect((await load(source, new Set([r]), new Set())).names).toEqual(['GRPCRoute/b']);
    expect(waits).toBe(1);
    fs.writeFileSync(r, route('c'));
    expect((await load(source, new Set([r]), new Set([r]))).names).toEqual(['GRPCRoute/c']);
    expect(waits).toBe(2);
  });

  it('tells a write in place from a rename into place on watch events', async () => {
    const r = file('r.yaml');
    fs.writeFileSync(r, route('a'));
    const source = new FileSource([dir], schemas);
    await source.load();
    const events: Array<[string | undefined, boolean | undefined]> = [];
    source.watch((changed, inPlace) => events.push([changed, inPlace]));
    try {
      fs.writeFileSync(r, route('b'));
      await waitUntil(() => events.some(([f, inPlace]) => f === r && inPlace === true));
      events.length = 0;
      fs.writeFileSync(file('.r.yaml.tmp'), route('c'));
      fs.renameSync(file('.r.yaml.tmp'), r);
      await waitUntil(() => events.some(([f, inPlace]) => f === r && inPlace === false));
      // (A late event of the write above may also arrive; the rename itself is never "in place".)
      expect(events.filter(([f]) => f !== r)).toEqual([]);
    } finally {
      source.close();
    }
  });

  it('reports an object defined in two files as an error naming both, and keeps serving the first copy', async () => {
    const source = new FileSource([EXAMPLES, path.join(TESTDATA, 'duplicate-route-name.yaml')], schemas);
    const snap = await source.load();
    const errors = snap.errors.map(formatSourceError);
    expect(errors).toEqual([
      expect.stringMatching(
        /duplicate-route-name\.yaml: document 1: GRPCRoute default\/per-method: metadata\.name: duplicate: GRPCRoute default\/per-method is also defined in .*examples\/20-per-method\.yaml \(document 1\), which is served; this copy is ignored/,
      ),
    ]);
    const perMethod = snap.objects.find((o) => o.metadata.name === 'per-method') as unknown as {
      spec: { rules: Array<{ backendRefs: Array<{ name: string }> }> };
    };
    expect(perMethod.spec.rules[0].backendRefs[0].name).toBe('echo-v1');
  });

  it('reports the same object twice in one file, naming both documents', async () => {
    fs.writeFileSync(file('r.yaml'), route('r', 'one') + '---\n' + route('r', 'two'));
    expect((await load(new FileSource([dir], schemas))).errors).toEqual([
      expect.stringMatching(
        /r\.yaml: document 2: GRPCRoute default\/r: metadata\.name: duplicate: GRPCRoute default\/r is also defined in document 1 of this file; this copy is ignored/,
      ),
    ]);
  });

  it('keeps the other files of a folder when one holds an unresolved alias or an alias bomb', async () => {
    fs.writeFileSync(file('r.yaml'), route('r'));
    fs.copyFileSync(path.join(TESTDATA, 'alias.yaml'), file('alias.yaml'));
    fs.copyFileSync(path.join(TESTDATA, 'bomb.yaml'), file('bomb.yaml'));
    expect(await load(new FileSource([dir], schemas))).toEqual({
      names: ['GRPCRoute/r'],
      errors: [
        expect.stringMatching(/alias\.yaml: document 1: YAML: Unresolved alias/),
        expect.stringMatching(/bomb\.yaml: document 1: YAML: Excessive alias count/),
      ],
    });
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
