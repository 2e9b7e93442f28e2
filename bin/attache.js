#!/usr/bin/env node
// The attache executable: runs the compiled CLI (`npm run build`, done by `make setup`).
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
require(main).main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`attache: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
