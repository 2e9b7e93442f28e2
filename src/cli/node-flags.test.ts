import * as fs from 'fs';
import * as path from 'path';
import { NODE_FLAGS, shebang } from './node-flags';

describe('NODE_FLAGS', () => {
  it('are the ones bin/attache.js starts node with', () => {
    const first = fs.readFileSync(path.join(__dirname, '../../bin/attache.js'), 'utf8').split('\n')[0];
    expect(first).toBe(shebang());
    for (const f of NODE_FLAGS) expect(first).toContain(f);
  });

  it('are flags node accepts', () => {
    // process.allowedNodeEnvironmentFlags lists the V8 and Node flags node takes on its command line.
    for (const f of NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(f.split('=')[0])).toBe(true);
  });
});
