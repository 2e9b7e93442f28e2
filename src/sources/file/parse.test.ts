import * as fs from 'fs';
import * as path from 'path';
import { loadCrdSchemas } from '../validation/crd-schemas';
import { formatSkipped, formatSourceError, parseManifests, parseManifestsInSlices } from './parse';

const schemas = loadCrdSchemas();
const TESTDATA = path.join(__dirname, 'testdata');
const ROUTE = `apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: r}\nspec:\n  rules: [{backendRefs: [{name: b, port: 8080}]}]\n`;

function parse(name: string, text: string): { objects: number; errors: string[]; skipped: string | undefined } {
  const parsed = parseManifests(name, text, schemas);
  return { objects: parsed.objects.length, errors: parsed.errors.map(formatSourceError), skipped: formatSkipped(parsed.skipped) };
}

describe('parseManifests on hostile YAML', () => {
  it('reports an unresolved alias as an error naming the file and document, and keeps the other documents', () => {
    const text = `${ROUTE}---\n${fs.readFileSync(path.join(TESTDATA, 'alias.yaml'), 'utf8')}`;
    expect(parse('alias.yaml', text)).toEqual({
      objects: 1,
      errors: [expect.stringMatching(/^alias\.yaml: document 2: YAML: Unresolved alias/)],
      skipped: undefined,
    });
  });

  it('refuses an alias expansion bomb (maxAliasCount) with one error', () => {
    const r = parse('bomb.yaml', fs.readFileSync(path.join(TESTDATA, 'bomb.yaml'), 'utf8'));
    expect(r.errors).toEqual([expect.stringMatching(/^bomb\.yaml: document 1: YAML: Excessive alias count/)]);
  });

  it.each([
    ['block sequences', `${'- '.repeat(10_000)}1\n`],
    ['flow sequences', `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
    ['flow mappings', `a: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`],
  ])('refuses 10,000-deep nesting (%s) with one short error, before the recursive composer runs', (_, deep) => {
    const r = parse('deep.yaml', `${ROUTE}---\n${deep}`);
    expect(r.objects).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^deep\.yaml: document 2: YAML: line 7, column 1: nested deeper than 100 levels$/)]);
  });

  it('refuses a file of more documents than the limit, as a whole', () => {
    const r = parseManifests('many.yaml', '---\n{}\n'.repeat(11), schemas, {
      maxFileBytes: 1 << 20,
      maxDocuments: 10,
      maxDepth: 100,
      maxAliasCount: 100,
      maxFiles: 10,
    });
    expect(r.errors.map(formatSourceError)).toEqual(['many.yaml: more than 10 YAML documents; split the file']);
  });

  it('gives the line and column of a syntax error, on one line', () => {
    expect(parse('bad.yaml', `${ROUTE}  - [unclosed\n`).errors).toEqual([expect.stringMatching(/^bad\.yaml: document 1: YAML: line \d+, column \d+: [^\n]+$/)]);
  });
});

describe('parseManifests on what a manifests folder holds', () => {
  it('skips kinds Attaché does not consume, with one summary line and no error', () => {
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n';
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n';
    expect(parse('app.yaml', [ROUTE, deployment, configMap, deployment.replace('name: d', 'name: e')].join('---\n'))).toEqual({
      objects: 1,
      errors: [],
      skipped: 'skipped 3 objects of kinds Attaché does not consume: ConfigMap (1), Deployment (2)',
    });
  });

  it('says to use v1 for a v1alpha2 GRPCRoute, and how to rewrite it', () => {
    const r = parse('old.yaml', ROUTE.replace('/v1', '/v1alpha2'));
    expect(r.errors).toEqual([
      'old.yaml: document 1: GRPCRoute default/r: apiVersion: gateway.networking.k8s.io/v1alpha2 does not serve kind GRPCRoute: use apiVersion gateway.networking.k8s.io/v1 (same fields); `attache validate --fix` rewrites it',
    ]);
  });
});

describe('parseManifestsInSlices', () => {
  it('lets the event loop run while it parses a large file, and parses it as parseManifests does', async () => {
    const text = Array.from({ length: 300 }, (_, i) => ROUTE.replace('name: r', `name: r${i}`)).join('---\n');
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const parsed = await parseManifestsInSlices('big.yaml', text, schemas);
    ticking = false;
    expect(turns).toBeGreaterThan(1);
    expect(parsed.objects).toHaveLength(300);
    expect(parsed).toEqual(parseManifests('big.yaml', text, schemas));
  });
});
