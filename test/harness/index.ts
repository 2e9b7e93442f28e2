/**
 * The e2e harness in one import: `import { startEnvoy, callEcho, ... } from './harness'`.
 * See each module's header for what it is for.
 */

// jest.config.js sets `testTimeout` inside the e2e project, but Jest 29 only honours that
// option globally (it warns "Unknown option testTimeout") and would leave e2e tests at 5 s.
// Importing the harness applies the intended 120 s; a test can still pass its own timeout.
const E2E_TEST_TIMEOUT_MS = 120_000;
if (typeof jest !== 'undefined') jest.setTimeout(E2E_TEST_TIMEOUT_MS);

import { printLogsOnFailure, stopAll } from './processes';
import { closeEchoClients } from './grpc-client';

// Every file that uses the harness gets, without asking: process logs printed when a test
// fails, and a final sweep so no Envoy, control plane or gRPC channel outlives the file
// (root-level hooks run after the file's own afterAll cleanups).
if (typeof afterAll === 'function') {
  printLogsOnFailure();
  afterAll(async () => {
    closeEchoClients();
    await stopAll();
  });
}

export * from './processes';
export * from './ports';
export * from './wait';
export * from './envoy';
export * from './backends';
export * from './grpc-client';
export * from './ticker-client';
export * from './control-plane';
export * from './gateway-stack';
