#!/usr/bin/env node
// The IR inputs of src/xds/translate/testdata are the `ir[0]` of the gatewayapi golden output of
// the same name, so the two stages are tested on the same case. `make golden` refreshes them
// (after the gatewayapi outputs are rewritten) before the xds outputs are rewritten.
const fs = require('fs');
const path = require('path');
const yaml = require('yaml');

const root = path.resolve(__dirname, '..');
const gwDir = path.join(root, 'src/gatewayapi/testdata');
const xdsDir = path.join(root, 'src/xds/translate/testdata');
let n = 0;
for (const f of fs.readdirSync(xdsDir).filter((f) => f.endsWith('.in.yaml'))) {
  const name = f.slice(0, -'.in.yaml'.length);
  const source = path.join(gwDir, `${name}.out.yaml`);
  if (!fs.existsSync(source)) continue;
  const ir = yaml.parse(fs.readFileSync(source, 'utf8')).ir[0];
  const text = `# IR taken from src/gatewayapi/testdata/${name}.out.yaml\n${yaml.stringify(ir, { lineWidth: 0, aliasDuplicateObjects: false })}`;
  if (fs.readFileSync(path.join(xdsDir, f), 'utf8') !== text) {
    fs.writeFileSync(path.join(xdsDir, f), text);
    n++;
  }
}
console.log(`sync-ir-inputs: ${n} IR input(s) refreshed`);
