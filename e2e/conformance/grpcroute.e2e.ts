/**
 * Gateway API v1.6.1 conformance, GATEWAY-GRPC profile: the GRPCRoute tests, one `it` per
 * upstream test name, on the upstream manifests (placeholders substituted, nothing else changed),
 * against real Envoy and echo backends, with the upstream assertions.
 */
import * as grpc from '@grpc/grpc-js';
import { printLogsOnFailure } from '../../test/harness';
import { expectGrpc, expectWeights, gatewayAndRoutesMustBeAccepted, type GrpcCase } from './assertions';
import { LocalCluster } from './local-cluster';
import { INFRA_NS, readManifest } from './manifests';

const V1 = 'grpc-infra-backend-v1';
const V2 = 'grpc-infra-backend-v2';
const V3 = 'grpc-infra-backend-v3';
const UNIMPLEMENTED = grpc.status.UNIMPLEMENTED;

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start();
  await cluster.apply('base', readManifest('base/manifests.yaml'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

afterEach(printLogsOnFailure);

/** Applies a test's manifest, runs the body, and deletes the manifest again (as the suite's cleanup does). */
async function withManifest(file: string, body: () => Promise<void>): Promise<void> {
  const docs = readManifest(`tests/${file}`);
  await cluster.apply(file, docs);
  try {
    await body();
  } finally {
    await cluster.delete(file, docs);
  }
}

async function runCases(gateway: string, routes: string[], cases: GrpcCase[]): Promise<void> {
  await gatewayAndRoutesMustBeAccepted(
    cluster,
    { namespace: INFRA_NS, name: gateway },
    routes.map((name) => ({ kind: 'GRPCRoute', namespace: INFRA_NS, name })),
  );
  const target = await cluster.gatewayTarget(INFRA_NS, gateway);
  for (const c of cases) await expectGrpc(target, { namespace: INFRA_NS, ...c });
}

describe('Gateway API conformance: GRPCRoute', () => {
  it('GRPCExactMethodMatching', () =>
    withManifest('grpcroute-exact-method-matching.yaml', () =>
      runCases(
        'same-namespace',
        ['exact-matching'],
        [
          { method: 'Echo', backend: V1 },
          { method: 'EchoTwo', backend: V2 },
          { method: 'EchoThree', code: UNIMPLEMENTED },
        ],
      ),
    ));

  it('GRPCRouteHeaderMatching', () =>
    withManifest('grpcroute-header-matching.yaml', () =>
      runCases(
        'same-namespace',
        ['grpc-header-matching'],
        [
          { method: 'Echo', metadata: { version: 'one' }, backend: V1 },
          { method: 'Echo', metadata: { version: 'two' }, backend: V2 },
          { method: 'Echo', metadata: { version: 'two', color: 'orange' }, backend: V1 },
          { method: 'Echo', metadata: { version: 'two', color: 'blue' }, backend: V2 },
          { method: 'Echo', metadata: { color: 'orange' }, code: UNIMPLEMENTED },
          { method: 'Echo', metadata: { 'some-other-header': 'one' }, code: UNIMPLEMENTED },
          { method: 'Echo', metadata: { color: 'blue' }, backend: V1 },
          { method: 'Echo', metadata: { color: 'green' }, backend: V1 },
          { method: 'Echo', metadata: { color: 'red' }, backend: V2 },
          { method: 'Echo', metadata: { color: 'yellow' }, backend: V2 },
          { method: 'Echo', metadata: { color: 'purple' }, code: UNIMPLEMENTED },
        ],
      ),
    ));

  it('GRPCRouteListenerHostnameMatching', () =>
    withManifest('grpcroute-listener-hostname-matching.yaml', () =>
      runCases(
        'grpcroute-listener-hostname-matching',
        ['backend-v1', 'backend-v2', 'backend-v3'],
        [
          { method: 'Echo', authority: 'bar.com', backend: V1 },
          { method: 'Echo', authority: 'foo.bar.com', backend: V2 },
          { method: 'Echo', authority: 'baz.bar.com', backend: V3 },
          { method: 'Echo', authority: 'boo.bar.com', backend: V3 },
          { method: 'Echo', authority: 'multiple.prefixes.bar.com', backend: V3 },
          { method: 'Echo', authority: 'multiple.prefixes.foo.com', backend: V3 },
          { method: 'Echo', authority: 'foo.com', code: UNIMPLEMENTED },
          { method: 'Echo', authority: 'no.matching.host', code: UNIMPLEMENTED },
        ],
      ),
    ));

  it('GRPCRouteWeight', () =>
    withManifest('grpcroute-weight.yaml', async () => {
      await runCases('same-namespace', ['weighted-backends'], [{ method: 'Echo' }]);
      await expectWeights(await cluster.gatewayTarget(INFRA_NS, 'same-namespace'), { [V1]: 0.7, [V2]: 0.3, [V3]: 0 });
    }));

  it('GRPCRouteNamedRule', () =>
    withManifest('grpcroute-named-rule.yaml', () =>
      runCases(
        'same-namespace',
        ['grpc-named-rules'],
        [
          { method: 'Echo', backend: V1 },
          { method: 'EchoTwo', backend: V2 },
        ],
      ),
    ));
});
