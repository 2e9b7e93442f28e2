/**
 * Envoy itself as the oracle: every golden case of src/xds/translate, translated and turned into a static
 * bootstrap (routes inlined instead of RDS, endpoints instead of EDS, certificates instead of
 * SDS), must pass `envoy --mode validate`, which also loads the certificates and keys; and so
 * must the bootstraps `attache bootstrap` renders.
 *
 * Then "what `attache validate` accepts, Envoy accepts", on inputs nobody wrote by hand: the
 * reproducers of issue 13 beside examples/, and thousands of generated configurations
 * (test/harness/generated-inputs.ts), each parsed and validated as a file is, translated, and whatever
 * comes out checked by Envoy. Cases are batched (BATCH per Envoy run, their listeners on
 * distinct ports); a batch Envoy refuses is bisected down to the cases it refuses, so a failure
 * names the case, its YAML and Envoy's message.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { renderBootstrap } from '../src/cli/bootstrap';
import { loadFiles } from '../src/cli/load-files';
import { translate } from '../src/gatewayapi/translate';
import { applyTrafficPolicies } from '../src/policy/apply';
import { type GatewayIR } from '../src/ir/types';
import { parseManifests } from '../src/sources/file/parse';
import { type CrdSchemas, loadCrdSchemas } from '../src/sources/validation/crd-schemas';
import { groupByKind } from '../src/store/resources';
import { issueCertificate } from '../test/support/certificates';
import { anyToEnvoyJson } from '../src/xds/envoy-json';
import { encodeAny } from '../src/xds/proto';
import { TypeUrl } from '../src/xds/resources';
import { translateGateway } from '../src/xds/translate/translate';
import { DEFAULT_ODD_RATE, type GeneratedCase, generateCases, type KeyPair } from '../test/harness/generated-inputs';
import { ROOT, validateEnvoyConfig } from '../test/harness';

type Obj = Record<string, unknown>;

const GOLDENS = path.join(ROOT, 'src/xds/translate/testdata');

interface Golden {
  listeners: Obj[];
  routes: Obj[];
  clusters: Obj[];
  endpoints: Obj[];
  secrets?: Obj[];
}

type TlsChain = { transport_socket?: { typed_config: { common_tls_context?: Obj } } };

/** Replaces a TLS chain's SDS references with the certificates of the Secrets they name. */
function inlineSecrets(chain: TlsChain, secrets: ReadonlyMap<string, Obj>): void {
  const common = chain.transport_socket?.typed_config.common_tls_context;
  const sds = common?.tls_certificate_sds_secret_configs as Array<{ name: string }> | undefined;
  if (!common || !sds) return;
  delete common.tls_certificate_sds_secret_configs;
  common.tls_certificates = sds.map(({ name }) => {
    const secret = secrets.get(name);
    if (!secret) throw new Error(`the golden has no secret ${name}`);
    return secret.tls_certificate;
  });
}

/**
 * Replaces each HCM's `rds` with the RouteConfiguration it names, SDS with inline certificates, and EDS clusters with static ones.
 * `runtime` is the layered_runtime of Attaché's bootstrap (its RE2 program size limit), for configurations Attaché translated.
 */
function staticBootstrap(golden: Golden, runtime?: unknown): string {
  const routes = new Map(golden.routes.map((r) => [r.name as string, r]));
  const secrets = new Map((golden.secrets ?? []).map((s) => [s.name as string, s]));
  const endpoints = new Map(golden.endpoints.map((e) => [e.cluster_name as string, e]));
  const strip = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => k !== '@type'));
  const listeners = golden.listeners.map((l) => {
    const copy = structuredClone(strip(l)) as { filter_chains: Array<{ filters: Array<{ typed_config: Obj }> } & TlsChain> };
    for (const chain of copy.filter_chains) {
      inlineSecrets(chain, secrets);
      for (const f of chain.filters) {
        const rds = f.typed_config.rds as { route_config_name: string } | undefined;
        if (!rds) continue;
        delete f.typed_config.rds;
        // Inline routes are checked against static clusters by default; over RDS they are not, and
        // the invalid-backend share deliberately names no cluster. Keep the RDS behaviour.
        f.typed_config.route_config = { ...strip(routes.get(rds.route_config_name) ?? { name: rds.route_config_name }), validate_clusters: false };
      }
    }
    return copy;
  });
  const clusters = golden.clusters.map((c) => {
    const { eds_cluster_config: _eds, ...rest } = strip(c);
    return { ...rest, type: 'STATIC', load_assignment: strip(endpoints.get(c.name as string) ?? { cluster_name: c.name }) };
  });
  // Envoy reads YAML the 1.1 way (yes/on/y are booleans): quote such strings, e.g. a header value `yes`.
  const bootstrap = { static_resources: { listeners, clusters }, ...(runtime ? { layered_runtime: runtime } : {}) };
  return stringify(bootstrap, { lineWidth: 0, version: '1.1' });
}

describe('Envoy accepts what we generate', () => {
  // Translated from each case's IR rather than read from its output, which leaves out the fixed fields.
  const cases = fs.readdirSync(GOLDENS).filter((f) => f.endsWith('.in.yaml'));

  it.each(cases)('xds golden %s passes envoy --mode validate', async (file) => {
    const golden = envoyResources([parse(fs.readFileSync(path.join(GOLDENS, file), 'utf8')) as GatewayIR]);
    const result = await validateEnvoyConfig(staticBootstrap(golden));
    if (!result.ok) throw new Error(`envoy rejected ${file}:\n${result.output}`);
  });

  it.each([false, true])('the rendered bootstrap (delta=%s, with the /ready listener of provisioned Envoys) passes envoy --mode validate', async (delta) => {
    const yaml = renderBootstrap({
      delta,
      gateway: 'default/grpc-gateway',
      nodeId: 'n',
      xds: { host: '127.0.0.1', port: 18000 },
      admin: { host: '127.0.0.1', port: 0 },
      ready: { host: '0.0.0.0', port: 19001 },
    });
    expect(yaml).toContain('envoy.filters.http.health_check');
    const result = await validateEnvoyConfig(yaml);
    if (!result.ok) throw new Error(result.output);
  });
});

const OPTIONS = { controllerName: 'attache.dev/gateway-controller', defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: '1970-01-01T00:00:00Z' };
const SECTIONS: Array<[keyof Golden, TypeUrl]> = [
  ['listeners', TypeUrl.Listener],
  ['routes', TypeUrl.RouteConfiguration],
  ['clusters', TypeUrl.Cluster],
  ['endpoints', TypeUrl.ClusterLoadAssignment],
  ['secrets', TypeUrl.Secret],
];
/** What Envoy would be sent for these Gateways, as the goldens hold it. */
function envoyResources(gateways: readonly GatewayIR[]): Golden {
  const out: Golden = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  for (const ir of gateways) {
    const resources = translateGateway(ir);
    for (const [section, typeUrl] of SECTIONS) {
      out[section]?.push(...resources[typeUrl].map((r) => anyToEnvoyJson(encodeAny(typeUrl, r.resource)) as Obj));
    }
  }
  return out;
}

function merge(goldens: readonly Golden[]): Golden {
  const out: Golden = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  for (const g of goldens) for (const [section] of SECTIONS) out[section]?.push(...(g[section] ?? []));
  return out;
}

/** The runtime layers of the bootstrap `attache bootstrap` renders (Envoy's RE2 program size limit among them). */
function attacheRuntime(): unknown {
  const rendered = parse(
    renderBootstrap({ delta: false, gateway: 'g/g', nodeId: 'n', xds: { host: '127.0.0.1', port: 18000 }, admin: { host: '127.0.0.1', port: 0 } }),
  ) as Obj;
  return rendered.layered_runtime;
}

describe('Envoy accepts what validate accepts: traffic policies', () => {
  // Each case of the policy stage's goldens, loaded as files are (a policy file mode refuses is
  // left out, as serve would), translated with its policies applied, checked by Envoy.
  const POLICY_CASES = path.join(ROOT, 'src/policy/testdata');
  const cases = fs.readdirSync(POLICY_CASES).filter((f) => f.endsWith('.in.yaml'));

  it.each(cases)('policy golden %s passes envoy --mode validate', async (file) => {
    const loaded = await loadFiles([path.join(POLICY_CASES, file)]);
    expect(loaded.resources.backendTrafficPolicies.length).toBeGreaterThan(0);
    const { gateways } = applyTrafficPolicies(loaded.resources, translate(loaded.resources, OPTIONS), OPTIONS);
    const result = await validateEnvoyConfig(staticBootstrap(envoyResources(gateways)));
    if (!result.ok) throw new Error(`envoy rejected ${file}:\n${result.output}`);
  });
});

describe('Envoy accepts what validate accepts: the reproducers of issue 13', () => {
  const runtime = attacheRuntime();
  const reproducers = path.join(ROOT, 'src/sources/validation/testdata');
  const slices = fs.readdirSync(reproducers).filter((f) => f.startsWith('endpointslice-es-'));

  // Each slice names Service `echo`; relabelled to examples' echo-v1 so that, were it accepted,
  // its endpoints would reach Envoy (beside examples/, as the reproducers' README says).
  it.each(slices)('%s beside examples/', async (file) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-reproducer-'));
    try {
      const text = fs.readFileSync(path.join(reproducers, file), 'utf8').replace('kubernetes.io/service-name: echo}', 'kubernetes.io/service-name: echo-v1}');
      fs.writeFileSync(path.join(dir, file), text);
      const loaded = await loadFiles([path.join(ROOT, 'examples'), dir]);
      expect(loaded.errors.map((e) => `${path.basename(e.file)}: ${e.object}: ${e.field}`)).toEqual([
        `${file}: EndpointSlice default/echo-x: ${/port/.test(file) ? 'ports[0].port' : 'endpoints[1].addresses[0]'}`,
      ]);
      const { gateways } = translate(loaded.resources, OPTIONS);
      const result = await validateEnvoyConfig(staticBootstrap(envoyResources(gateways), runtime));
      if (!result.ok) throw new Error(`envoy rejected examples/ + ${file}:\n${result.output}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TLS keys BoringSSL refuses (gatewayapi golden gateway-https-keys-envoy-refuses)', async () => {
    const loaded = await loadFiles([path.join(ROOT, 'src/gatewayapi/testdata/gateway-https-keys-envoy-refuses.in.yaml')]);
    const { gateways } = translate(loaded.resources, OPTIONS);
    const result = await validateEnvoyConfig(staticBootstrap(envoyResources(gateways), runtime));
    if (!result.ok) throw new Error(`envoy rejected it:\n${result.output}`);
  });
});

/** How many configurations, and how many per Envoy run; both overridable to explore further. */
const GENERATED_CASES = Number(process.env.ATTACHE_GENERATED_CASES ?? 1000);
const GENERATED_SEED = Number(process.env.ATTACHE_GENERATED_SEED ?? 13);
const ODD_RATE = Number(process.env.ATTACHE_GENERATED_ODD_RATE ?? DEFAULT_ODD_RATE);
const BATCH = 250;
/** A failing run stops looking after this many cases Envoy refuses (each costs a bisection). */
const MAX_FAILURES = 5;
const GENERATED_TIMEOUT_MS = 600_000;

interface Translated {
  generated: GeneratedCase;
  golden: Golden;
}

/** The certificates HTTPS listeners draw from: good ones more often, and every kind Envoy refuses. */
async function keyPairs(): Promise<KeyPair[]> {
  const issue = async (type: 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-1024'): Promise<KeyPair> => {
    const c = await issueCertificate(['a.example.com'], { keyType: type });
    return { label: type, cert: c.certPem, key: c.keyPem };
  };
  const [p256, p384, rsa2048, rsa1024, other] = await Promise.all([issue('ec-p256'), issue('ec-p384'), issue('rsa-2048'), issue('rsa-1024'), issue('ec-p256')]);
  const text = fs.readFileSync(path.join(ROOT, 'src/gatewayapi/testdata/gateway-https-keys-envoy-refuses.in.yaml'), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string; metadata?: { name: string }; data?: Record<string, string> });
  const fromSecret = (name: string): KeyPair => {
    const data = docs.find((d) => d.kind === 'Secret' && d.metadata?.name === name)?.data ?? {};
    const text = (k: string): string => Buffer.from(data[k] ?? '', 'base64').toString('utf8');
    return { label: name, cert: text('tls.crt'), key: text('tls.key') };
  };
  return [
    p256,
    p256,
    p384,
    rsa2048,
    rsa1024,
    fromSecret('ec-explicit'),
    fromSecret('rsa-big-exponent'),
    { label: 'mismatched', cert: p256.cert, key: other.key },
    { label: 'garbage', cert: 'not a certificate', key: 'not a key' },
  ];
}

const GATEWAY_CLASS =
  'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: attache}\nspec: {controllerName: attache.dev/gateway-controller}\n';

function translateCase(c: GeneratedCase, schemas: CrdSchemas): { golden: Golden; accepted: number; rejected: number } {
  const parsed = parseManifests(`case-${c.index}.yaml`, `${GATEWAY_CLASS}---\n${c.yaml}`, schemas);
  const { gateways } = translate(groupByKind(parsed.objects), OPTIONS);
  return { golden: envoyResources(gateways), accepted: parsed.objects.length - 1, rejected: parsed.errors.length };
}

describe('Envoy accepts what validate accepts: generated inputs', () => {
  it(
    `${GENERATED_CASES} generated configurations (seed ${GENERATED_SEED}) pass envoy --mode validate once validated and translated`,
    async () => {
      const started = Date.now();
      const schemas = loadCrdSchemas();
      const runtime = attacheRuntime();
      const cases = generateCases(GENERATED_CASES, GENERATED_SEED, await keyPairs(), ODD_RATE);
      const stats = { accepted: 0, rejected: 0, listeners: 0, routes: 0, clusters: 0, secrets: 0, envoyRuns: 0, translateMs: 0 };
      const failures: string[] = [];
      const check = async (batch: readonly Translated[]): Promise<void> => {
        if (batch.length === 0 || failures.length >= MAX_FAILURES) return;
        stats.envoyRuns += 1;
        const result = await validateEnvoyConfig(staticBootstrap(merge(batch.map((t) => t.golden)), runtime), { timeoutMs: 120_000 });
        if (result.ok) return;
        if (batch.length === 1) {
          // Envoy prints the offending message in proto text between its first and last lines.
          const lines = result.output.split('\n');
          const said = lines.length > 2 ? `${lines[0]}\n  [...]\n${lines[lines.length - 1]}` : result.output;
          failures.push(`case ${batch[0].generated.index} (seed ${GENERATED_SEED}): envoy says:\n${said}\n--- input:\n${batch[0].generated.yaml}`);
          return;
        }
        const half = Math.ceil(batch.length / 2);
        await check(batch.slice(0, half));
        await check(batch.slice(half));
      };
      // Translating the next batch overlaps Envoy checking the previous one (a separate process).
      let checking: Promise<void> = Promise.resolve();
      for (let i = 0; i < cases.length; i += BATCH) {
        const t0 = Date.now();
        const batch = cases.slice(i, i + BATCH).map((generated): Translated => {
          const { golden, accepted, rejected } = translateCase(generated, schemas);
          stats.accepted += accepted;
          stats.rejected += rejected;
          stats.listeners += golden.listeners.length;
          stats.routes += golden.routes.length;
          stats.clusters += golden.clusters.length;
          stats.secrets += golden.secrets?.length ?? 0;
          return { generated, golden };
        });
        stats.translateMs += Date.now() - t0;
        await checking;
        checking = check(batch);
      }
      await checking;
      // One line for the record: what reached Envoy, and where the time went.
      process.stdout.write(
        `generated inputs: ${GENERATED_CASES} cases, ${stats.accepted} objects accepted, ${stats.rejected} errors; ` +
          `${stats.listeners} listeners, ${stats.routes} route configurations, ${stats.clusters} clusters, ${stats.secrets} secrets reached Envoy; ` +
          `translate ${stats.translateMs} ms, ${stats.envoyRuns} envoy runs, ${Date.now() - started} ms in all\n`,
      );
      expect(failures).toEqual([]);
    },
    GENERATED_TIMEOUT_MS,
  );
});
