// ESLint: the TypeScript rules, and the purity of the translation stages (no I/O, no clock, no
// process). Which folder may import which, and import cycles, are checked by dependency-cruiser
// (.dependency-cruiser.cjs); formatting by Prettier (.prettierrc.json); dead code by knip (knip.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Type information costs about 20 s on 2 cores (one TypeScript program for the tree); it is spent on
// the rules that catch a forgotten or misplaced promise, the costly mistakes of a server that is
// all streams and timers. The whole type-aware set (recommendedTypeChecked: `any` flowing out of
// JSON.parse, needless `async`, ...) is there to run by hand: `LINT_TYPED=1 npx eslint src test tools e2e bench`.
const TYPED = process.env.LINT_TYPED === '1';

/** Node modules that do I/O or read the machine; none belongs in a translation stage. */
const IO_MODULES = [
  'fs',
  'net',
  'http',
  'http2',
  'https',
  'tls',
  'dns',
  'dgram',
  'child_process',
  'cluster',
  'os',
  'worker_threads',
  'readline',
  'process',
  'perf_hooks',
  'timers',
  'inspector',
];
/** Packages that do I/O: a stage may use their types (an option's shape), not their code. */
const IO_PACKAGES = ['@grpc/grpc-js', '@grpc/grpc-js-xds', '@kubernetes/client-node', 'pino', 'pino-pretty', 'prom-client'];
const PURE = 'translation stages are pure: I/O, the clock and the process belong to the edges (sources, runner, cli), which pass what is needed in';

export default tseslint.config(
  { ignores: ['dist/', '.cache/', 'node_modules/', 'coverage/', 'src/generated/', 'src/apis/generated/', 'tools/generated/'] },
  js.configs.recommended,
  ...(TYPED ? tseslint.configs.recommendedTypeChecked : tseslint.configs.recommended),
  {
    // The plain JavaScript of the repository (bin/, scripts/, the tools' configs) runs in Node as
    // CommonJS (.mjs: ES modules): Node's globals, and require() is how it imports.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name`: left out on purpose (a destructured field dropped, an argument an interface passes).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The translation stages: Gateway API objects → IR → Envoy resources, as pure functions; and the provisioner (objects → the Envoys' objects).
    files: ['src/gatewayapi/**/*.ts', 'src/policy/**/*.ts', 'src/ir/**/*.ts', 'src/xds/translate/**/*.ts', 'src/provisioner/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(node:)?(${IO_MODULES.join('|')})(/.*)?$`, message: PURE },
            // Packages that talk to the network, the API server, the log or the metrics registry: their types only.
            { regex: `^(${IO_PACKAGES.join('|')})(/.*)?$`, allowTypeImports: true, message: PURE },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...['process', 'setTimeout', 'setInterval', 'setImmediate', 'performance'].map((name) => ({ name, message: PURE }))],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() reads the clock; ${PURE}` },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: `Date.now() reads the clock; ${PURE}` },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: `Math.random() is not deterministic; ${PURE}` },
        { selector: "MemberExpression[object.name='globalThis'][property.name=/^(process|performance|setTimeout|setInterval|setImmediate)$/]", message: PURE },
      ],
    },
  },
);
