/**
 * Gateway API v1.6.1 conformance, GATEWAY-GRPC profile: the Gateway, GatewayClass and
 * Gateway-Secret ReferenceGrant tests, one `it` per upstream test name, on the upstream
 * manifests, with the upstream status assertions (GatewayStatusMustHaveListeners and friends).
 */
import { type Condition } from '../../src/apis/meta';
import { printLogsOnFailure, waitFor } from '../../test/harness';
import { type ExpectedListener, findCondition, gatewayStatusMustHaveListeners } from './assertions';
import { LocalCluster } from './local-cluster';
import { type Doc, INFRA_NS, readManifest } from './manifests';
import { suiteSecrets } from './suite-secrets';

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start();
  await cluster.apply('base', readManifest('base/manifests.yaml'));
  cluster.write('suite-secrets', await suiteSecrets());
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

afterEach(printLogsOnFailure);

async function withManifest(file: string, body: (docs: Doc[]) => Promise<void>): Promise<void> {
  const docs = readManifest(`tests/${file}`);
  await cluster.apply(file, docs);
  try {
    await body(docs);
  } finally {
    await cluster.delete(file, docs);
  }
}

const HTTP_KINDS = ['HTTPRoute'];
const notResolved = (reason: string): ExpectedListener['conditions'] => [{ type: 'ResolvedRefs', status: 'False', reason }];

async function gatewayConditionsMustBe(name: string, want: (c: readonly Condition[], generation?: number) => boolean, namespace = INFRA_NS): Promise<void> {
  await waitFor(
    async () => {
      const gw = await cluster.statusOf('Gateway', namespace, name);
      return gw?.kind === 'Gateway' && want(gw.status.conditions, gw.generation);
    },
    { timeoutMs: 60_000, description: `conditions of Gateway ${namespace}/${name}` },
  );
}

function has(c: readonly Condition[], type: string, status: string, reason?: string): boolean {
  const found = findCondition(c, type);
  return !!found && found.status === status && (reason === undefined || found.reason === reason);
}

describe('Gateway API conformance: Gateway', () => {
  it('GatewayInvalidParametersRef', () =>
    withManifest('gateway-invalid-parameters-ref.yaml', () =>
      gatewayConditionsMustBe(
        'gateway-invalid-parameters-ref',
        (c, gen) => has(c, 'Accepted', 'False', 'InvalidParameters') && c.every((x) => x.observedGeneration === gen),
      ),
    ));

  it('GatewayListenerUnsupportedProtocol', () =>
    withManifest('gateway-invalid-listeners-unsupported-protocol.yaml', async () => {
      const invalid: ExpectedListener = {
        name: 'invalid',
        supportedKinds: [],
        attachedRoutes: 0,
        conditions: [{ type: 'Accepted', status: 'False', reason: 'UnsupportedProtocol' }],
      };
      await gatewayConditionsMustBe('gateway-only-unsupported-protocols', (c) => has(c, 'Accepted', 'False', 'ListenersNotValid'));
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-only-unsupported-protocols', [invalid]);
      await gatewayConditionsMustBe('gateway-supported-and-unsupported-protocols', (c) => has(c, 'Accepted', 'True', 'ListenersNotValid'));
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-supported-and-unsupported-protocols', [
        { name: 'http', supportedKinds: HTTP_KINDS, attachedRoutes: 0, conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }] },
        invalid,
      ]);
    }));

  it('GatewayInvalidRouteKind', () =>
    withManifest('gateway-invalid-route-kind.yaml', async () => {
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-only-invalid-route-kind', [
        { name: 'http', supportedKinds: [], attachedRoutes: 0, conditions: notResolved('InvalidRouteKinds') },
      ]);
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-supported-and-invalid-route-kind', [
        { name: 'http', supportedKinds: HTTP_KINDS, attachedRoutes: 0, conditions: notResolved('InvalidRouteKinds') },
      ]);
    }));

  it('GatewayInvalidTLSConfiguration', () =>
    withManifest('gateway-invalid-tls-configuration.yaml', async () => {
      for (const name of [
        'gateway-certificate-nonexistent-secret',
        'gateway-certificate-unsupported-group',
        'gateway-certificate-unsupported-kind',
        'gateway-certificate-malformed-secret',
      ]) {
        await gatewayStatusMustHaveListeners(cluster, INFRA_NS, name, [
          { name: 'https', supportedKinds: HTTP_KINDS, attachedRoutes: 0, conditions: notResolved('InvalidCertificateRef') },
        ]);
      }
    }));

  it('GatewayModifyListeners', () =>
    withManifest('gateway-modify-listeners.yaml', async (docs) => {
      const ok: ExpectedListener['conditions'] = [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'True' },
      ];
      const add = docs.find((d) => d.metadata.name === 'gateway-add-listener')!;
      const remove = docs.find((d) => d.metadata.name === 'gateway-remove-listener')!;
      const spec = (d: Doc): { listeners: Array<Record<string, unknown>> } => d.spec as { listeners: Array<Record<string, unknown>> };
      // As upstream: the original Gateways are ready first, then they are patched.
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-add-listener', [
        { name: 'https', supportedKinds: HTTP_KINDS, attachedRoutes: 1, conditions: ok },
      ]);
      spec(add).listeners.push({ name: 'http', port: 80, protocol: 'HTTP', hostname: 'data.test.com', allowedRoutes: { namespaces: { from: 'All' } } });
      spec(remove).listeners = spec(remove).listeners.filter((l) => l.name !== 'https');
      await cluster.apply('gateway-modify-listeners.yaml', docs);
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-add-listener', [
        { name: 'https', supportedKinds: HTTP_KINDS, attachedRoutes: 1, conditions: ok },
        { name: 'http', supportedKinds: HTTP_KINDS, attachedRoutes: 1, conditions: ok },
      ]);
      await gatewayStatusMustHaveListeners(cluster, INFRA_NS, 'gateway-remove-listener', [
        { name: 'http', supportedKinds: HTTP_KINDS, attachedRoutes: 1, conditions: ok },
      ]);
      for (const name of ['gateway-add-listener', 'gateway-remove-listener']) {
        await gatewayConditionsMustBe(name, (c, gen) => gen === 2 && c.every((x) => x.observedGeneration === 2));
      }
    }));

  it('GatewayObservedGenerationBump', () =>
    withManifest('gateway-observed-generation-bump.yaml', async (docs) => {
      const name = 'gateway-observed-generation-bump';
      await gatewayConditionsMustBe(name, (c, gen) => gen === 1 && has(c, 'Accepted', 'True') && c.every((x) => x.observedGeneration === 1));
      const gw = docs[0].spec as { listeners: Array<Record<string, unknown>> };
      gw.listeners.push({ name: 'alternate', port: 80, protocol: 'HTTP', hostname: 'foo.com', allowedRoutes: { namespaces: { from: 'All' } } });
      await cluster.apply('gateway-observed-generation-bump.yaml', docs);
      await gatewayConditionsMustBe(name, (c, gen) => gen === 2 && c.every((x) => x.observedGeneration === 2));
    }));

  it('GatewayClassObservedGenerationBump', () =>
    withManifest('gatewayclass-observed-generation-bump.yaml', async (docs) => {
      const name = 'gatewayclass-observed-generation-bump';
      const classConditions = async (gen: number): Promise<void> => {
        await waitFor(
          async () => {
            const gc = await cluster.statusOf('GatewayClass', undefined, name);
            return (
              gc?.kind === 'GatewayClass' &&
              gc.generation === gen &&
              !!findCondition(gc.status.conditions, 'Accepted') &&
              gc.status.conditions.every((c) => c.observedGeneration === gen)
            );
          },
          { timeoutMs: 60_000, description: `GatewayClass ${name} at generation ${gen}` },
        );
      };
      await classConditions(1);
      (docs[0].spec as { description: string }).description = 'new';
      await cluster.apply('gatewayclass-observed-generation-bump.yaml', docs);
      await classConditions(2);
    }));
});

describe('Gateway API conformance: Gateway Secret ReferenceGrant', () => {
  const gatewayName = (file: string): string => file.replace(/\.yaml$/, '');
  const refused = [{ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }];
  const programmed = [
    { type: 'Programmed', status: 'True', reason: 'Programmed' },
    { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' },
  ];

  it.each([
    ['GatewaySecretInvalidReferenceGrant', 'gateway-secret-invalid-reference-grant.yaml', refused],
    ['GatewaySecretMissingReferenceGrant', 'gateway-secret-missing-reference-grant.yaml', refused],
    ['GatewaySecretReferenceGrantAllInNamespace', 'gateway-secret-reference-grant-all-in-namespace.yaml', programmed],
    ['GatewaySecretReferenceGrantSpecific', 'gateway-secret-reference-grant-specific.yaml', programmed],
  ])('%s', (_name, file, conditions) =>
    withManifest(file, () =>
      gatewayStatusMustHaveListeners(cluster, INFRA_NS, gatewayName(file), [{ name: 'https', supportedKinds: HTTP_KINDS, attachedRoutes: 0, conditions }]),
    ),
  );
});
