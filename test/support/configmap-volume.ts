/**
 * For tests (unit and e2e): a ConfigMap volume laid out and updated the way kubelet's
 * AtomicWriter does it. The data lives in a timestamped dot-directory, `..data` is a symlink to
 * it, and each visible file is a symlink through `..data` (`x.yaml -> ..data/x.yaml`). An update
 * writes a new timestamped directory, points a `..data_tmp` symlink at it, renames that over
 * `..data` (the one atomic step), adds links for new keys and removes the old directory.
 */
import * as fs from 'fs';
import * as path from 'path';

export class ConfigMapVolume {
  private generation = 0;
  private current: string | undefined;

  constructor(readonly dir: string) {}

  write(files: Readonly<Record<string, string>>): void {
    const old = this.current;
    const next = `..2026_12_03_10_00_00.${String(++this.generation).padStart(9, '0')}`;
    fs.mkdirSync(path.join(this.dir, next));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, next, name), text);
    fs.symlinkSync(next, path.join(this.dir, '..data_tmp'));
    fs.renameSync(path.join(this.dir, '..data_tmp'), path.join(this.dir, '..data'));
    for (const name of Object.keys(files)) {
      const visible = path.join(this.dir, name);
      if (!fs.existsSync(visible)) fs.symlinkSync(path.join('..data', name), visible);
    }
    if (old) fs.rmSync(path.join(this.dir, old), { recursive: true });
    this.current = next;
  }
}
