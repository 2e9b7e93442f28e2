// Two projects: `unit` (beside the code in src/, fast, no processes) and `e2e`
// (real Envoy, real gRPC backends; needs `make setup`). `make test` runs both.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/e2e/harness/global-setup.ts',
      maxWorkers: 1,
    },
  ],
};
