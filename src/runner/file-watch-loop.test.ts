/**
 * The file-mode reload loop against real directories and watch events: a Kubernetes ConfigMap
 * volume update (kubelet's `..data` symlink swap, issue 13 item 5) and a reload that would drop
 * every object.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { ConfigMapVolume } from '../../test/support/configmap-volume';
import { FileSource } from '../sources/file/file-source';
import { FileWatchLoop, type WatchLoopLog } from './file-watch-loop';

const schemas = loadCrdSchemas();
const route = (name: string, backend: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: ${name}}\nspec:\n  rules: [{backendRefs: [{name: ${backend}, port: 8080}]}]\n`;

interface Recorded {
  applied: string[][];
  warnings: string[];
}

function startLoop(dir: string, emptyHoldMs: number): { loop: FileWatchLoop; seen: Recorded } {
  const seen: Recorded = { applied: [], warnings: [] };
  const log: WatchLoopLog = {
    info: () => undefined,
    warn: (_, msg) => seen.warnings.push(msg),
    error: () => undefined,
  };
  const loop = new FileWatchLoop(new FileSource([dir], schemas, { settleMs: 20 }), {
    log,
    emptyHoldMs,
    apply: (snap) =>
      seen.applied.push(
        snap.objects
          .map(
            (o) =>
              `${o.metadata.name}=${(o as unknown as { spec: { rules: Array<{ backendRefs: Array<{ name: string }> }> } }).spec.rules[0].backendRefs[0].name}`,
          )
          .sort(),
      ),
  });
  return { loop, seen };
}

describe('FileWatchLoop', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-loop-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies a ConfigMap volume update (the ..data symlink swap) without ever applying an empty or partial set', async () => {
    const volume = new ConfigMapVolume(dir);
    volume.write({ 'a.yaml': route('a', 'one'), 'b.yaml': route('b', 'one') });
    const { loop, seen } = startLoop(dir, 60_000);
    await loop.start();
    try {
      expect(seen.applied).toEqual([['a=one', 'b=one']]);
      for (const backend of ['two', 'three']) {
        volume.write({ 'a.yaml': route('a', backend), 'b.yaml': route('b', backend) });
        await waitUntil(() => JSON.stringify(seen.applied.at(-1)) === JSON.stringify([`a=${backend}`, `b=${backend}`]));
      }
      // Every applied set held both routes (no empty snapshot, no object served twice).
      expect(seen.applied.every((names) => names.length === 2)).toBe(true);
      expect(seen.warnings).toEqual([]);
    } finally {
      await loop.stop();
    }
  });

  it('holds a reload that would remove every object, then applies it if the files are still gone', async () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), route('a', 'one'));
    const { loop, seen } = startLoop(dir, 300);
    await loop.start();
    try {
      fs.rmSync(path.join(dir, 'a.yaml'));
      await waitUntil(() => seen.warnings.length > 0);
      expect(seen.warnings[0]).toBe('file source: this reload would remove all 1 objects; held for 300 ms, then scanned again');
      expect(seen.applied).toEqual([['a=one']]);
      await waitUntil(() => seen.applied.length > 1);
      expect(seen.applied).toEqual([['a=one'], []]);
      expect(seen.warnings[1]).toBe('file source: still no objects after 300 ms; removing all 1');
    } finally {
      await loop.stop();
    }
  });

  it('applies the files that come back during the hold, and nothing empty', async () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), route('a', 'one'));
    const { loop, seen } = startLoop(dir, 60_000);
    await loop.start();
    try {
      fs.rmSync(path.join(dir, 'a.yaml'));
      await waitUntil(() => seen.warnings.length > 0);
      fs.writeFileSync(path.join(dir, 'a.yaml'), route('a', 'two'));
      await waitUntil(() => seen.applied.length > 1);
      expect(seen.applied).toEqual([['a=one'], ['a=two']]);
    } finally {
      await loop.stop();
    }
  });
});

/** Polls until `condition` holds; fails after 10 s (watch events arrive within milliseconds). */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
