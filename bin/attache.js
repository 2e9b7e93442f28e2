#!/usr/bin/env -S node --max-semi-space-size=2
// The attache executable: runs the compiled CLI (`npm run build`, done by `make setup`).
// The first line's node flags are src/cli/node-flags.ts's NODE_FLAGS (run it directly, not with `node bin/attache.js`).
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
require(main).main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`attache: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
