import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectGolden, leaveOutWhereEqual, objectsAt, runsInCi, updateRequested } from './golden';

describe('updateRequested', () => {
  it('is UPDATE_GOLDEN=1 outside CI', () => {
    expect(updateRequested({ UPDATE_GOLDEN: '1' })).toBe(true);
    expect(updateRequested({ UPDATE_GOLDEN: '1', CI: 'false' })).toBe(true);
    expect(updateRequested({ UPDATE_GOLDEN: '1', CI: '0' })).toBe(true);
    expect(updateRequested({ UPDATE_GOLDEN: '1', CI: '' })).toBe(true);
    expect(updateRequested({})).toBe(false);
    expect(updateRequested({ CI: 'true' })).toBe(false);
  });

  it.each(['true', '1', 'yes', 'woodpecker'])('refuses UPDATE_GOLDEN=1 under CI=%s, saying why', (ci) => {
    expect(() => updateRequested({ UPDATE_GOLDEN: '1', CI: ci })).toThrow(
      `UPDATE_GOLDEN=1 is refused under CI (CI=${ci}): CI must not rewrite its own expectations`,
    );
  });

  it('reads CI like the CI services set it', () => {
    expect(runsInCi({ CI: 'true' })).toBe(true);
    expect(runsInCi({ CI: 'false' })).toBe(false);
    expect(runsInCi({})).toBe(false);
  });
});

describe('expectGolden under CI', () => {
  const saved = { UPDATE_GOLDEN: process.env.UPDATE_GOLDEN, CI: process.env.CI };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
    fs.writeFileSync(path.join(dir, 'case.out.yaml'), 'old\n');
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('throws instead of rewriting an output, and leaves it as it was', () => {
    process.env.UPDATE_GOLDEN = '1';
    process.env.CI = 'true';
    expect(() => expectGolden(dir, 'case', 'new\n')).toThrow(/refused under CI/);
    expect(fs.readFileSync(path.join(dir, 'case.out.yaml'), 'utf8')).toBe('old\n');
  });

  it('does not write a missing output', () => {
    delete process.env.UPDATE_GOLDEN;
    process.env.CI = 'true';
    expect(() => expectGolden(dir, 'missing', 'new\n')).toThrow(/does not exist; run `make golden` locally/);
    expect(fs.existsSync(path.join(dir, 'missing.out.yaml'))).toBe(false);
  });
});

describe('leaving out what equals a golden of its own', () => {
  it('deletes the key only where its value is equal', () => {
    const doc = { a: [{ b: { x: 1, y: [1] } }, { b: { x: 2, y: [1] } }, { c: 3 }] };
    const objects = objectsAt(doc, ['a', '*', 'b']);
    expect(objects).toHaveLength(2);
    expect(leaveOutWhereEqual(objects, 'x', 1)).toBe(1);
    expect(leaveOutWhereEqual(objects, 'y', [1])).toBe(2);
    expect(doc).toEqual({ a: [{ b: {} }, { b: { x: 2 } }, { c: 3 }] });
  });
});
