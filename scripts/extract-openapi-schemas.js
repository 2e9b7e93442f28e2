#!/usr/bin/env node
// Writes, per API group version, the component schemas of the kinds Attaché reads and every
// schema they reference (descriptions dropped: they are most of the bytes and validate nothing).
// Usage: extract-openapi-schemas.js OPENAPI_V3_DIR SOURCE_LABEL OUT_DIR (see update-kubernetes-schemas.sh).
const fs = require('fs');
const path = require('path');

const [specDir, source, outDir] = process.argv.slice(2);
/** OpenAPI v3 file → the schemas (roots) to keep from it. */
const ROOTS = {
  'api__v1_openapi.json': ['io.k8s.api.core.v1.Service', 'io.k8s.api.core.v1.Secret', 'io.k8s.api.core.v1.Namespace'],
  'apis__discovery.k8s.io__v1_openapi.json': ['io.k8s.api.discovery.v1.EndpointSlice'],
};
const REF = '#/components/schemas/';

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [k, strip(v)]),
  );
}

function refsOf(node, out) {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (typeof node === 'object' && node !== null) {
    if (typeof node.$ref === 'string' && node.$ref.startsWith(REF)) out.push(node.$ref.slice(REF.length));
    Object.values(node).forEach((n) => refsOf(n, out));
  }
}

fs.mkdirSync(outDir, { recursive: true });
for (const [file, roots] of Object.entries(ROOTS)) {
  const all = JSON.parse(fs.readFileSync(path.join(specDir, file), 'utf8')).components.schemas;
  const kept = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift();
    if (kept[name]) continue;
    if (!all[name]) throw new Error(`${file}: no schema ${name}`);
    kept[name] = strip(all[name]);
    refsOf(kept[name], queue);
  }
  const sorted = Object.fromEntries(
    Object.keys(kept)
      .sort()
      .map((k) => [k, kept[k]]),
  );
  const doc = { 'x-attache-source': `${source} api/openapi-spec/v3/${file} (descriptions removed)`, 'x-attache-roots': roots, components: { schemas: sorted } };
  fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`${path.join(outDir, file)}: ${Object.keys(kept).length} schemas`);
}
