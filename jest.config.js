// Projects: `unit` (beside the code in src/, tools/ and test/, fast, no processes) and `e2e`
// (real Envoy, real gRPC backends; needs `make setup`). `make test` runs both.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/tools', '<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/e2e/kubernetes/'],
      maxWorkers: 1,
    },
    {
      // Against a real kube-apiserver + etcd (scripts/kube.sh), started once for the project.
      // Needs the private network namespace of scripts/netns.sh (scripts/test.sh runs jest there).
      displayName: 'e2e-kubernetes',
      testEnvironment: 'node',
      roots: ['<rootDir>/e2e/kubernetes'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/e2e/kubernetes/global-setup.ts',
      globalTeardown: '<rootDir>/e2e/kubernetes/global-teardown.ts',
      maxWorkers: 1,
    },
  ],
};
