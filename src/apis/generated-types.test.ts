import { execFileSync } from 'child_process';
import * as path from 'path';

// The generated types are committed; this keeps them what the bundled schemas give (`make types`).
describe('src/apis/generated', () => {
  it('is what scripts/generate-api-types.js makes of crds/', () => {
    const root = path.join(__dirname, '../..');
    expect(() => execFileSync('node', ['scripts/generate-api-types.js', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });
});
