#!/usr/bin/env -S node --max-semi-space-size=2
// The attache executable: runs the compiled CLI (`npm run build`, done by `make setup`).
// The first line's node flags are src/cli/node-flags.ts's NODE_FLAGS (run it directly, not with `node bin/attache.js`).
// runAndExit exits once stdout and stderr have drained (src/cli/stdio.ts).
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
require(main).runAndExit(process.argv.slice(2));
