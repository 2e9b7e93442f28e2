/**
 * Which folder may import which: the architecture of README "How it is built", checked.
 *
 * The pipeline, in order: sources → store → gatewayapi → policy → ir → xds/translate → xds/cache → xds/server.
 * A stage imports only earlier ones (and the shared vocabularies: apis, the xds helpers, generated
 * Envoy types); two exceptions of data flow, not of layering: sources import the store's kinds and
 * change type (the contract they write into), and gatewayapi imports the IR types it produces.
 * Beside the pipeline: runner (wires the stages into the change loops), rejections (the NACK
 * feedback loop), status (write-back), provisioner (the Envoys' Deployments), debug, metrics, and cli, which may import everything.
 * Only runner and cli import values from both ends of the pipeline. Tests beside the code may
 * also use earlier stages to build their inputs, and test/support.
 *
 * Outside src/ (what ships): tools/ may import src/; test/ src/ and tools/; e2e/ and bench/
 * test/harness (e2e also test/support), src/ and tools/. src/ imports none of them.
 *
 * `npx depcruise src test tools e2e bench` checks it (part of `npm run lint`); dependency-cruiser
 * rather than eslint-plugin-boundaries because it checks cycles in the same pass (eslint's
 * import/no-cycle is the slowest rule there is) and prints the graph to design rules from
 * (`npx depcruise src --output-type archi | dot -T svg`).
 */

/** Folders of src/ and the path patterns that make them. */
const ELEMENTS = {
  apis: '^src/apis/',
  generated: '^src/generated/',
  'project-root': '^src/project-root[.]ts$',
  sources: '^src/sources/',
  store: '^src/store/',
  gatewayapi: '^src/gatewayapi/',
  policy: '^src/policy/',
  ir: '^src/ir/',
  xds: '^src/xds/[^/]+$', // the shared xds vocabulary: type URLs, proto loading, JSON form
  'xds/translate': '^src/xds/translate/',
  'xds/cache': '^src/xds/cache/',
  'xds/server': '^src/xds/server/',
  provisioner: '^src/provisioner/',
  runner: '^src/runner/',
  rejections: '^src/rejections/',
  status: '^src/status/',
  debug: '^src/debug/',
  metrics: '^src/metrics/',
  cli: '^src/cli/',
};

/** What each folder may import besides itself (values and types); `types:` types only. */
const MAY_IMPORT = {
  apis: [],
  generated: [],
  'project-root': [],
  store: ['apis'],
  sources: ['store', 'apis', 'project-root'],
  gatewayapi: ['store', 'ir', 'apis'],
  // Traffic policies: the store's policies applied to gatewayapi's IR and status (it reads both).
  policy: ['store', 'gatewayapi', 'ir', 'apis'],
  ir: ['types:apis'],
  xds: ['generated', 'project-root'],
  'xds/translate': ['ir', 'xds', 'generated'],
  'xds/cache': ['xds', 'generated'],
  'xds/server': ['xds/cache', 'xds', 'generated'],
  // The provisioner: Resources → the objects each Gateway's Envoys run as (beside the pipeline; it reads gatewayapi's parameters and bind ports).
  provisioner: ['gatewayapi', 'store', 'apis'],
  runner: [
    'sources',
    'store',
    'gatewayapi',
    'policy',
    'ir',
    'xds/translate',
    'xds/cache',
    'xds/server',
    'xds',
    'provisioner',
    'rejections',
    'status',
    'metrics',
    'apis',
    'generated',
  ],
  rejections: ['gatewayapi', 'store', 'xds/cache', 'xds', 'apis', 'generated', 'types:xds/server'],
  status: ['gatewayapi', 'store', 'apis'],
  debug: ['rejections', 'xds/cache', 'xds', 'apis', 'generated', 'types:xds/server', 'types:sources'],
  metrics: ['xds/server', 'xds/cache', 'xds'],
  cli: Object.keys(ELEMENTS),
};

/** Tests beside the code (and their helpers) may also build inputs with these, and use test/support. */
const TESTS_MAY_ALSO_IMPORT = ['sources', 'store', 'gatewayapi', 'ir', 'xds/translate', 'xds', 'apis', 'project-root'];
const TEST_FILE = '([.]test[.]ts|-test-support[.]ts)$';

const NPM = { dependencyTypesNot: ['local', 'localmodule', 'aliased-tsconfig', 'aliased-tsconfig-paths', 'undetermined', 'unknown'] };

function allowedFor(name, targets) {
  const rules = [{ from: { path: ELEMENTS[name] }, to: { path: ELEMENTS[name] } }];
  const values = targets.filter((t) => !t.startsWith('types:'));
  const types = targets.filter((t) => t.startsWith('types:')).map((t) => t.slice(6));
  if (values.length) rules.push({ from: { path: ELEMENTS[name] }, to: { path: values.map((t) => ELEMENTS[t]) } });
  if (types.length) rules.push({ from: { path: ELEMENTS[name] }, to: { path: types.map((t) => ELEMENTS[t]), dependencyTypes: ['type-only'] } });
  return rules;
}

module.exports = {
  allowedSeverity: 'error',
  allowed: [
    // Packages and Node's own modules: anyone (which ones the stages may use is ESLint's part).
    { from: {}, to: NPM },
    ...Object.entries(MAY_IMPORT).flatMap(([name, targets]) => allowedFor(name, targets)),
    ...Object.keys(ELEMENTS)
      .flatMap((name) => allowedFor(name, TESTS_MAY_ALSO_IMPORT))
      .map((r) => ({ ...r, from: { path: `${r.from.path}.*${TEST_FILE}` } })),
    { from: { path: `^src/.*${TEST_FILE}` }, to: { path: '^test/support/' } },
    // Outside src/.
    { from: { path: '^tools/' }, to: { path: ['^src/', '^tools/'] } },
    { from: { path: '^test/support/' }, to: { path: ['^src/', '^tools/', '^test/support/'] } },
    { from: { path: '^test/harness/' }, to: { path: ['^src/', '^tools/', '^test/'] } },
    { from: { path: '^e2e/' }, to: { path: ['^src/', '^tools/', '^test/', '^e2e/'] } },
    { from: { path: '^bench/' }, to: { path: ['^src/', '^tools/', '^test/harness/', '^bench/'] } },
  ],
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules that need each other are one module, or share a third (e.g. the types both use).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-ships-alone',
      severity: 'error',
      comment: 'src/ is what ships: it imports nothing from test/, tools/, e2e/ or bench/ (tests beside the code may use test/support).',
      from: { path: '^src/', pathNot: TEST_FILE },
      to: { path: '^(test|tools|e2e|bench)/' },
    },
    {
      name: 'no-dev-dependency-in-src',
      severity: 'error',
      comment: 'What ships needs its packages in "dependencies", not "devDependencies".',
      from: { path: '^src/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unlisted-package',
      severity: 'error',
      comment: 'A package imported but not in package.json (it works only while something else brings it in).',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: ['node_modules', '^src/generated/', '^src/apis/generated/', '^tools/generated/'] },
    exclude: { path: ['^dist/', '^[.]cache/'] },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
