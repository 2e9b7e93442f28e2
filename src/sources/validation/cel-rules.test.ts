import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { type KubernetesObject } from '../../apis/meta';
import { parseManifests } from '../file/parse';
import { CelRuleCompiler, type CelRuleTree } from './cel-rules';
import { upstreamConformanceDir } from '../../../test/support/upstream-conformance';
import { ruleSites, schemas } from './cel-test-support';
import { type CrdSchemaNode } from './cel-value';
import { validateAgainstCrd, validateObject } from './validate';

const REPO = path.resolve(__dirname, '../../..');
const GROUP = 'gateway.networking.k8s.io/';

/** The Gateway API documents of a manifest file, with the conformance suite's class name filled in. */
function gatewayApiDocs(file: string): KubernetesObject[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\{GATEWAY_CLASS_NAME\}/g, 'attache');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => typeof o?.apiVersion === 'string' && o.apiVersion.startsWith(GROUP));
}

function countRules(tree: CelRuleTree | undefined): number {
  if (!tree) return 0;
  const below = [...tree.properties.map((p) => p.node), tree.items, tree.additionalProperties];
  return tree.rules.length + below.reduce((n, t) => n + countRules(t), 0);
}

describe('CEL rules of the bundled v1.6.1 standard CRDs', () => {
  it('compiles every rule: none needs a function this environment lacks', () => {
    expect(schemas.unsupportedCelRules()).toEqual([]);
  });

  it.each(['Gateway', 'GRPCRoute', 'HTTPRoute'])('compiles each %s rule at each node it sits on', (kind) => {
    const sites = ruleSites(kind).filter((r) => !r.rule.includes('oldSelf'));
    expect(sites.length).toBeGreaterThan(0);
    expect(countRules(schemas.celRules(`${GROUP}v1`, kind))).toBe(sites.length);
  });

  it('skips the transition rule of GatewayClass (it reads oldSelf, which a create never has)', () => {
    expect(schemas.celRules(`${GROUP}v1`, 'GatewayClass')).toBeUndefined();
    expect(schemas.celRules(`${GROUP}v1beta1`, 'ReferenceGrant')).toBeUndefined();
  });

  it('finds no error in the bundled examples', () => {
    const dir = path.join(REPO, 'examples');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const parsed = parseManifests(f, fs.readFileSync(path.join(dir, f), 'utf8'), schemas);
      expect(parsed.errors).toEqual([]);
    }
  });

  it('finds no error in the upstream GRPCRoute conformance manifests and base manifests', () => {
    const upstream = upstreamConformanceDir();
    const tests = fs.readdirSync(path.join(upstream, 'tests')).filter((f) => /^grpcroute-.*\.yaml$/.test(f));
    expect(tests.length).toBeGreaterThan(0);
    const files = [...tests.map((f) => path.join(upstream, 'tests', f)), path.join(upstream, 'base/manifests.yaml')];
    const errors: string[] = [];
    for (const file of files) {
      for (const obj of gatewayApiDocs(file)) {
        const result = validateObject(obj, schemas);
        if (!result.ok) errors.push(`${path.basename(file)} ${obj.kind} ${obj.metadata.name}: ${JSON.stringify(result.errors)}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('finds no CEL error in any Gateway API object of the conformance suite, whatever its kind', () => {
    // Two documents carry placeholders the suite substitutes at run time; the schema (not CEL) rejects them.
    const placeholders = new Set(['gateway-static-addresses', 'gatewayclass-observed-generation-bump']);
    const errors: string[] = [];
    const dir = path.join(upstreamConformanceDir(), 'tests');
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const obj of gatewayApiDocs(path.join(dir, f))) {
        if (placeholders.has(obj.metadata.name)) continue;
        const result = validateAgainstCrd(obj, schemas);
        if (!result.ok) errors.push(`${f} ${obj.kind} ${obj.metadata.name}: ${JSON.stringify(result.errors)}`);
      }
    }
    expect(errors).toEqual([]);
    expect(schemas.unsupportedCelRules()).toEqual([]);
  });
});

describe('CelRuleCompiler', () => {
  const run = (schema: CrdSchemaNode, value: unknown) => {
    const compiler = new CelRuleCompiler();
    const tree = compiler.compileSchema(schema, 'test/v1 Thing');
    return { errors: tree ? compiler.evaluate(tree, value) : [], unsupported: compiler.unsupportedRules() };
  };
  const object = (properties: Record<string, CrdSchemaNode>, rules: CrdSchemaNode['x-kubernetes-validations']): CrdSchemaNode => ({
    type: 'object',
    properties,
    'x-kubernetes-validations': rules,
  });

  it('names the failing node, or the node plus the rule fieldPath', () => {
    const schema = object({ a: object({ b: { type: 'string' } }, [{ rule: "self.b != 'x'", message: 'no x', fieldPath: '.b' }]) }, [
      { rule: 'false', message: 'never' },
    ]);
    expect(run(schema, { a: { b: 'x' } }).errors).toEqual([
      { field: '(root)', message: 'never' },
      { field: 'a.b', message: 'no x' },
    ]);
  });

  it('evaluates messageExpression, and falls back to the rule text when there is no message', () => {
    const schema = object({ n: { type: 'integer' } }, [{ rule: 'self.n < 3', messageExpression: "'n is ' + string(self.n)" }, { rule: 'self.n < 2' }]);
    expect(run(schema, { n: 5 }).errors).toEqual([
      { field: '(root)', message: 'n is 5' },
      { field: '(root)', message: 'failed rule: self.n < 2' },
    ]);
  });

  it('types values by the schema: integers are ints, numbers doubles', () => {
    const schema = object({ i: { type: 'integer' }, d: { type: 'number' } }, [{ rule: 'self.i + 1 == 3 && self.d + 0.5 == 3.0' }]);
    expect(run(schema, { i: 2, d: 2.5 })).toEqual({ errors: [], unsupported: [] });
  });

  it('reaches escaped property names and map keys as written, and paths into maps', () => {
    const schema = object(
      {
        namespace: { type: 'string' },
        'x-y': { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'bad'", message: 'bad' }] } },
      },
      [{ rule: "self.__namespace__ == 'ns' && self.x__dash__y == 'v' && 'a.b/c' in self.labels", message: 'unreachable' }],
    );
    expect(run(schema, { namespace: 'ns', 'x-y': 'v', labels: { 'a.b/c': 'ok', d: 'bad' } }).errors).toEqual([{ field: 'labels[d]', message: 'bad' }]);
  });

  it('skips rules on absent nodes and transition rules', () => {
    const schema = object({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'false', message: 'a' }] } }, [
      { rule: 'self == oldSelf', message: 'immutable' },
    ]);
    expect(run(schema, {})).toEqual({ errors: [], unsupported: [] });
  });

  it('records, and does not enforce, rules with functions it lacks or that do not compile', () => {
    const schema = object({}, [
      { rule: 'url(self.u).getHost() == "x"', message: 'url' },
      { rule: 'self.(', message: 'syntax' },
    ]);
    const { errors, unsupported } = run(schema, { u: 'http://y' });
    expect(errors).toEqual([]);
    expect(unsupported.map((u) => [u.where, u.reason.split(':')[0]])).toEqual([
      ['test/v1 Thing (root)', 'unsupported function(s)'],
      ['test/v1 Thing (root)', 'does not compile'],
    ]);
  });

  it('records a rule whose operands no overload accepts at run time, instead of rejecting the object', () => {
    // An untyped value (no schema below `x`) keeps its JSON number: 1.5 + an int has no overload.
    const schema = object({ x: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, [{ rule: 'self.x.v + 1 > 0', message: 'm' }]);
    const { errors, unsupported } = run(schema, { x: { v: 1.5 } });
    expect(errors).toEqual([]);
    expect(unsupported).toHaveLength(1);
    expect(unsupported[0].reason).toMatch(/no matching overload/);
  });
});
