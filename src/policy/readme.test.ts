/**
 * The README's "Traffic policies" examples work as printed: each YAML block of that section,
 * with the objects it targets (testdata/readme/), is accepted at every ancestor and reaches the
 * IR (some route or cluster lists it in `trafficPolicy.policies`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { type KubernetesObject } from '../apis/meta';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';
import { translate } from '../gatewayapi/translate';
import { formatSourceError, parseManifests } from '../sources/file/parse';
import { loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind } from '../store/resources';
import { PROJECT_ROOT } from '../project-root';
import { applyTrafficPolicies } from './apply';

const OPTIONS = { controllerName: DEFAULT_CONTROLLER_NAME, defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: '1970-01-01T00:00:00Z' };
const schemas = loadCrdSchemas();

function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  return readme.slice(start, end < 0 ? undefined : end);
}

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const blocks = [...section(readme, '## Traffic policies').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

function base(file: string): KubernetesObject[] {
  const name = path.join(__dirname, 'testdata', 'readme', file);
  const parsed = parseManifests(name, fs.readFileSync(name, 'utf8'), schemas);
  expect(parsed.errors.map(formatSourceError)).toEqual([]);
  return parsed.objects;
}

describe('README "Traffic policies" examples', () => {
  it('has the seed example and one per feature', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });

  it.each(blocks.map((b, i) => [i, b]))('block %d is accepted and takes effect', (_i, block) => {
    const policies = parseAllDocuments(block).map((d) => d.toJS() as KubernetesObject);
    expect(policies.every((p) => p.kind === 'BackendTrafficPolicy')).toBe(true);
    const targets = base(block.includes('user-service') ? 'seed-base.yaml' : 'feature-examples-base.yaml');
    const resources = groupByKind([...targets, ...policies]);
    const out = applyTrafficPolicies(resources, translate(resources, OPTIONS), OPTIONS);
    const statuses = out.status.filter((s) => s.kind === 'BackendTrafficPolicy');
    expect(statuses).toHaveLength(policies.length);
    for (const s of statuses) {
      for (const a of s.status.ancestors)
        expect(a.conditions.map((c) => `${s.name}: ${c.status} ${c.message}`)).toEqual([expect.stringMatching(/: True Accepted: /)]);
    }
    const inIR = new Set(
      out.gateways.flatMap((g) => [
        ...g.clusters.flatMap((c) => c.trafficPolicy?.policies ?? []),
        ...g.listeners.flatMap((l) => l.filterChains.flatMap((c) => c.virtualHosts.flatMap((vh) => vh.routes.flatMap((r) => r.trafficPolicy?.policies ?? [])))),
      ]),
    );
    for (const p of policies) expect(inIR).toContain(`${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
  });
});
