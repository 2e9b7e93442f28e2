/**
 * Golden files: one YAML in, one YAML out per case. `UPDATE_GOLDEN=1` (`make golden`) rewrites
 * the outputs and deletes outputs whose input is gone; otherwise a difference fails the test.
 * Review the diff of every rewritten output before committing it. Under CI (`CI` set to anything
 * but `false` or `0`) updating is refused and a missing output is not written: CI must never
 * rewrite its own expectations.
 *
 * What the per-case outputs leave out. Content that every case produces the same way is tested
 * once, in a golden of its own, and left out of the cases, so a change to it shows in one file,
 * not in every case. It is left out only where it equals that golden's value, so a case that
 * differs still shows it, and the one golden can fail:
 * - src/gatewayapi/testdata: a GatewayClass's status, where it equals the one the `gatewayclass`
 *   case shows, becomes the string "as in gatewayclass.out.yaml"; and a GatewayClass's
 *   `status.supportedFeatures`, where it is exactly the list of `supportedFeatures()`, becomes
 *   "supportedFeatures(), as in testdata/gatewayclass/supported-features.out.yaml", the golden of
 *   the list itself (src/gatewayapi/supported-features.test.ts).
 * - src/xds/translate/testdata: the fixed fields of the HTTP connection manager (codec, RDS
 *   config source, idle timeout, upgrades, the router filter's config), of the RouteConfiguration, of the Cluster (type, EDS
 *   config source, connect timeout, LB policy) and of the ClusterLoadAssignment's locality group
 *   (`FIXED_FIELDS` in src/xds/translate/translate.test.ts), where they equal those of the
 *   `baseline` case, whose output shows them all. Each such output says so in its first line.
 * The whole pipeline, nothing left out, is src/cli/testdata/translate/examples.out.yaml.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';

/** Whether `UPDATE_GOLDEN=1` asks to rewrite the outputs; throws when that is asked under CI. */
export function updateRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const update = env.UPDATE_GOLDEN === '1';
  if (update && runsInCi(env)) {
    throw new Error(
      `UPDATE_GOLDEN=1 is refused under CI (CI=${env.CI}): CI must not rewrite its own expectations. Run \`make golden\` locally and commit the reviewed outputs.`,
    );
  }
  return update;
}

/** CI=true (GitHub Actions, GitLab, …) or any other non-empty value but `false` and `0`. */
export function runsInCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The case names (`<case>.in.yaml`) in a testdata folder; deletes orphaned outputs when updating. */
export function goldenCases(dir: string): string[] {
  const files = fs.readdirSync(dir);
  const cases = files
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => f.slice(0, -'.in.yaml'.length))
    .sort();
  if (updateRequested()) {
    for (const f of files.filter((f) => f.endsWith('.out.yaml'))) {
      if (!cases.includes(f.slice(0, -'.out.yaml'.length))) fs.unlinkSync(path.join(dir, f));
    }
  }
  return cases;
}

export function readInput(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8');
}

/** Compares `actual` with `<case>.out.yaml` (or writes it when updating, or when it is missing outside CI). */
export function expectGolden(dir: string, name: string, actual: string): void {
  const file = path.join(dir, `${name}.out.yaml`);
  const update = updateRequested();
  if (update || !fs.existsSync(file)) {
    if (!update && runsInCi()) throw new Error(`${file} does not exist; run \`make golden\` locally and commit it`);
    fs.writeFileSync(file, actual);
    if (!update) throw new Error(`${file} did not exist and was written; review it and run again`);
    return;
  }
  expect(actual).toEqual(fs.readFileSync(file, 'utf8'));
}

type Json = Record<string, unknown>;

/**
 * The objects at `path` under `root`: each step a key, or `*` for every element of an array.
 * Missing steps yield nothing.
 */
export function objectsAt(root: unknown, steps: readonly string[]): Json[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step === '*') {
        if (Array.isArray(value)) next.push(...(value as unknown[]));
      } else if (isObject(value) && step in value) next.push(value[step]);
    }
    current = next;
  }
  return current.filter(isObject);
}

/** Deletes `key` from each object that holds exactly `expected`; returns how many it deleted. */
export function leaveOutWhereEqual(objects: readonly Json[], key: string, expected: unknown): number {
  let n = 0;
  for (const o of objects) {
    if (key in o && isDeepStrictEqual(o[key], expected)) {
      delete o[key];
      n++;
    }
  }
  return n;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
