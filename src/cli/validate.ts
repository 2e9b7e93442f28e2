/**
 * `attache validate -f FILE_OR_DIR`: schema, CEL and semantic checks without serving anything.
 * `--fix` first rewrites what has one safe rewrite (an apiVersion that moved to `v1` with the
 * same fields, sources/file/api-versions.ts) in the files, then validates the result.
 * Objects of kinds Attaché does not consume are skipped, with one info line.
 * Input errors (file, document, object, field) and every status condition that reports a
 * problem (a route not accepted, an unresolved reference, an invalid listener, a
 * BackendTrafficPolicy not accepted at one of its targets) are printed, and, as warnings, a
 * policy programmed only in part (a gRPC health check on an HTTP/1.1 port);
 * the exit code is 1 when there is any, so it fits CI pipelines. Routes are checked whatever
 * their parents: a route file alone gets its rules checked, and a parentRef to a Gateway not in
 * the input is a warning (exit code unaffected).
 */
import * as path from 'path';
import { type Condition } from '../apis/meta';
import { isPartial, isProblem } from './status-table';
import { DEFAULT_CONTROLLER_NAME } from '../gatewayapi/options';
import { type RouteFinding } from '../gatewayapi/route-findings';
import { type StatusEntry } from '../gatewayapi/status';
import { translateWithPolicies } from '../runner/translate-all';
import { fixApiVersionsInFile } from '../sources/file/api-version-fix';
import { FILE_LIMITS } from '../sources/file/limits';
import { formatSkipped, formatSourceError } from '../sources/file/parse';
import { flag, flagList, type FlagSpec, parseFlags, usage, UsageError } from './flags';
import { loadFiles, offlineOptions } from './load-files';

const SPECS: FlagSpec[] = [
  { name: 'file', short: 'f', description: 'file or directory of Kubernetes YAML (repeatable)', repeatable: true },
  { name: 'fix', description: 'rewrite apiVersions that moved to v1 with the same fields (GRPCRoute v1alpha2) in the files, then validate', boolean: true },
  { name: 'controller-name', description: 'GatewayClass controllerName to act as', default: DEFAULT_CONTROLLER_NAME },
  { name: 'help', description: 'show this help', boolean: true },
];

/** The conditions of `entries` that `which` picks, each as `Kind ns/name [where]: Type=Status (Reason): message`. */
function statusConditions(entries: readonly StatusEntry[], which: (c: Condition) => boolean): string[] {
  const out: string[] = [];
  const report = (what: string, cs: readonly Condition[]): void => {
    for (const c of cs.filter(which)) out.push(`${what}: ${c.type}=${c.status} (${c.reason}): ${c.message}`);
  };
  for (const e of entries) {
    const id = `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
    if (e.kind === 'Gateway') {
      report(id, e.status.conditions);
      for (const l of e.status.listeners) report(`${id} listener ${l.name}`, l.conditions);
    } else if (e.kind === 'GatewayClass') {
      report(id, e.status.conditions);
    } else if (e.kind === 'BackendTrafficPolicy') {
      for (const a of e.status.ancestors) report(`${id} target ${a.ancestorRef.kind ?? ''} ${a.ancestorRef.name}`, a.conditions);
    } else {
      for (const p of e.status.parents) report(`${id} parent ${p.parentRef.namespace}/${p.parentRef.name}`, p.conditions);
    }
  }
  return out;
}

export function statusProblems(entries: readonly StatusEntry[]): string[] {
  return statusConditions(entries, isProblem);
}

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('validate', 'Check manifests (schema, CEL rules, references) without serving them.', SPECS));
    return 0;
  }
  const paths = [...flagList(parsed, 'file'), ...parsed.positional];
  if (paths.length === 0) throw new UsageError('give the manifests with -f FILE_OR_DIR');
  if (flag(parsed, 'fix') === 'true') {
    for (const file of (await loadFiles(paths)).files) {
      for (const f of fixApiVersionsInFile(file, FILE_LIMITS.maxFileBytes)) {
        process.stdout.write(`fixed: ${path.relative(process.cwd(), file) || file}: document ${f.document}: ${f.kind}: apiVersion ${f.from} -> ${f.to}\n`);
      }
    }
  }
  const { resources, errors, schemas, objects, skipped } = await loadFiles(paths);
  const skippedLine = formatSkipped(skipped);
  if (skippedLine) process.stdout.write(`info: ${skippedLine}\n`);
  const options = offlineOptions(flag(parsed, 'controller-name'));
  // Policies too: a target not found, a conflict or an invalid sectionName is a problem like a route's.
  // What the serve loop does, isolation included: an object that makes a stage throw is one problem.
  const { status, routeFindings } = translateWithPolicies(resources, options, schemas.bundleVersion);
  const route = (severity: RouteFinding['severity']): string[] =>
    routeFindings.filter((f) => f.severity === severity).map((f) => `${f.object}: ${f.field}: ${f.message}`);
  const problems = [...errors.map(formatSourceError), ...statusProblems(status), ...route('error')];
  // A policy programmed only in part works, but not all of it: worth a line, not a failure.
  const warnings = [...statusConditions(status, isPartial), ...route('warning')];
  for (const p of problems) process.stdout.write(`error: ${p}\n`);
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  process.stdout.write(`${objects.length} objects, ${problems.length} problems${warnings.length ? `, ${warnings.length} warnings` : ''}\n`);
  return problems.length > 0 ? 1 : 0;
}
