/**
 * `attache validate --fix`: rewrites the apiVersions that moved (api-versions.ts) in place,
 * keeping every other byte of the file (comments, order, quoting). Works on the `yaml` library's
 * CST, which its parser builds without recursion, so a file of any shape is safe to look at;
 * only top-level `apiVersion` and `kind` of each document are read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CST, Parser } from 'yaml';
import { movedApiVersion } from './api-versions';

export interface ApiVersionFix {
  /** 1-based. */
  document: number;
  kind: string;
  from: string;
  to: string;
}

export function fixApiVersions(text: string): { text: string; fixes: ApiVersionFix[] } {
  const edits: Array<{ offset: number; length: number; source: string }> = [];
  const fixes: ApiVersionFix[] = [];
  let document = 0;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    document++;
    const map = token.value;
    if (!map || (map.type !== 'block-map' && map.type !== 'flow-collection')) continue;
    let kind: string | undefined;
    let apiVersion: CST.FlowScalar | undefined;
    for (const item of map.items) {
      const key = CST.isScalar(item.key) ? CST.resolveAsScalar(item.key)?.value : undefined;
      if (!item.value || !CST.isScalar(item.value) || item.value.type === 'block-scalar') continue;
      if (key === 'kind') kind = CST.resolveAsScalar(item.value)?.value;
      if (key === 'apiVersion') apiVersion = item.value;
    }
    if (!apiVersion || kind === undefined) continue;
    const from = CST.resolveAsScalar(apiVersion).value;
    const to = movedApiVersion(from, kind);
    if (to === undefined) continue;
    const { offset, source } = apiVersion;
    // A copy, so the quoting style (plain, '…', "…") is kept by the library's own rules.
    const edited: CST.FlowScalar = { ...apiVersion };
    CST.setScalarValue(edited, to);
    edits.push({ offset, length: source.length, source: edited.source });
    fixes.push({ document, kind, from, to });
  }
  let out = text;
  for (const e of edits.reverse()) out = out.slice(0, e.offset) + e.source + out.slice(e.offset + e.length);
  return { text: out, fixes };
}

/**
 * Fixes one file on disk: written to a temporary file beside it and renamed over it, so a
 * watcher never sees it half-written. A symlink is written through (its target is replaced).
 */
export function fixApiVersionsInFile(file: string, maxBytes: number): ApiVersionFix[] {
  const target = fs.realpathSync(file);
  const stat = fs.statSync(target);
  if (!stat.isFile() || stat.size > maxBytes) return [];
  const { text, fixes } = fixApiVersions(fs.readFileSync(target, 'utf8'));
  if (fixes.length === 0) return [];
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.attache-fix-${process.pid}`);
  fs.writeFileSync(tmp, text, { mode: stat.mode & 0o777 });
  fs.renameSync(tmp, target);
  return fixes;
}
