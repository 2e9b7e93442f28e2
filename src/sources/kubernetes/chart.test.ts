/**
 * The Helm chart grants what Kubernetes mode uses (kinds.ts) and installs our own CRDs as they
 * are in crds/attache (Helm's crds/ folder cannot point elsewhere, so it holds a copy).
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../../project-root';
import { WATCHED_KINDS } from './kinds';

const CHART = path.join(PROJECT_ROOT, 'charts/attache');

/** `apiGroups: [g]` followed by `resources: [...]` and `verbs: [...]`: group → resource → verbs. */
function rbacRules(): Map<string, string[]> {
  const text = fs.readFileSync(path.join(CHART, 'templates/rbac.yaml'), 'utf8');
  const rules = new Map<string, string[]>();
  const list = (s: string): string[] => s.split(',').map((x) => x.trim().replace(/^"|"$/g, ''));
  for (const m of text.matchAll(/apiGroups: \[([^\]]*)\]\s*\n\s*resources: \[([^\]]*)\]\s*\n\s*verbs: \[([^\]]*)\]/g)) {
    for (const group of list(m[1])) for (const r of list(m[2])) rules.set(`${group} ${r}`, [...(rules.get(`${group} ${r}`) ?? []), ...list(m[3])]);
  }
  return rules;
}

describe('charts/attache', () => {
  const rules = rbacRules();
  it.each(WATCHED_KINDS.map((k) => [k.kind, k] as const))('lets the control plane list and watch %s, and write its status when it has one', (_kind, k) => {
    const group = k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : '';
    expect(rules.get(`${group} ${k.plural}`)).toEqual(expect.arrayContaining(['list', 'watch']));
    if (k.hasStatus) expect(rules.get(`${group} ${k.plural}/status`)).toContain('update');
  });

  it('installs each of our CRDs exactly as crds/attache has it', () => {
    const ours = fs.readdirSync(path.join(PROJECT_ROOT, 'crds/attache')).filter((f) => f.endsWith('.yaml'));
    expect(ours.length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(CHART, 'crds')).sort()).toEqual(ours.sort());
    for (const f of ours) {
      expect(fs.readFileSync(path.join(CHART, 'crds', f), 'utf8')).toBe(fs.readFileSync(path.join(PROJECT_ROOT, 'crds/attache', f), 'utf8'));
    }
  });
});
