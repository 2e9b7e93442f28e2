/**
 * `npm run bench`: measures translation, memory, propagation and churn against real Envoy in
 * file mode, writes bench/report.json and prints a summary table (README "Benchmarks").
 *
 *   node dist/bench/main.js [--routes 10,100,1000,5000] [--samples 50] [--only routes,throughput,churn,cycles]
 *
 * Every scenario is bounded (each wait has a deadline) and the whole run is cut off at
 * --max-minutes; a scenario that fails is reported as such and the others still run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { closeEchoClients } from '../test/harness/grpc-client';
import { ROOT } from '../test/harness/envoy';
import { stopAll } from '../test/harness/processes';
import { flag, parseFlags, usage, type FlagSpec } from '../src/cli/flags';
import { startBenchBackends } from './backends';
import { runChurnScenario } from './churn-scenario';
import { runCyclesScenario } from './cycles-scenario';
import { ENDPOINTS_PER_SERVICE, SERVICES } from './fixtures';
import { checkTargets, describeMachine, envoyVersion, summary, type BenchReport } from './report';
import { runRoutesScenario } from './routes-scenario';
import { round } from './stats';
import { runThroughput } from './throughput';
import * as os from 'os';

const SPECS: FlagSpec[] = [
  { name: 'routes', description: 'route counts N for items 1–3', default: '10,100,1000,5000' },
  { name: 'samples', description: 'propagation samples per N (item 3)', default: '50' },
  { name: 'endpoint-samples', description: 'endpoint-churn samples, at 1,000 routes (item 4)', default: '50' },
  { name: 'churn-routes', description: 'routes added, changed and removed under load (item 5)', default: '1000' },
  { name: 'churn-minutes', description: 'time budget of the churn scenario; it stops early (and says so) past it', default: '8' },
  { name: 'cycle-routes', description: 'routes per memory cycle (item 6)', default: '5000' },
  { name: 'cycles', description: 'memory cycles (item 6)', default: '5' },
  { name: 'cycles-minutes', description: 'no new memory cycle starts past this many minutes', default: '5' },
  { name: 'ghz-seconds', description: 'seconds per ghz run (item 7)', default: '10' },
  { name: 'only', description: 'scenarios to run: routes,throughput,churn,cycles', default: 'routes,throughput,churn,cycles' },
  { name: 'out', description: 'where the JSON report goes', default: 'bench/report.json' },
  { name: 'note', description: 'a note on the machine kept in the report (e.g. other load)' },
  { name: 'max-minutes', description: 'hard limit for the whole run', default: '25' },
  { name: 'help', description: 'show this help', boolean: true },
];

const numbers = (text: string): number[] =>
  text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);

async function scenario<T>(name: string, errors: string[], run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  process.stderr.write(`bench: ${name}...\n`);
  try {
    const result = await run();
    process.stderr.write(`bench: ${name} done in ${round((performance.now() - started) / 1000)} s\n`);
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    errors.push(`${name}: ${message}`);
    process.stderr.write(`bench: ${name} FAILED: ${message}\n`);
    return undefined;
  }
}

/** What has been measured so far, written out if the watchdog cuts the run short. */
let partial: { report: BenchReport & { errors: string[] }; out: string } | undefined;

function writeReport(report: BenchReport & { errors: string[] }, out: string, started: number): void {
  report.machine.load_average_end = os.loadavg().map((l) => Math.round(l * 100) / 100);
  report.duration_s = round((performance.now() - started) / 1000);
  report.targets = checkTargets(report);
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
}

async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, SPECS);
  if (flag(parsed, 'help')) {
    process.stdout.write(usage('bench', 'Benchmark Attaché against real Envoy (file mode).', SPECS));
    return 0;
  }
  const only = new Set((flag(parsed, 'only') ?? '').split(','));
  const started = performance.now();
  const report: BenchReport & { errors: string[] } = {
    started_at: new Date().toISOString(),
    duration_s: 0,
    machine: describeMachine(flag(parsed, 'note')),
    envoy_version: envoyVersion(),
    routes: [],
    targets: [],
    errors: [],
  };
  const out = path.resolve(ROOT, flag(parsed, 'out') ?? 'bench/report.json');
  partial = { report, out };
  const backends = await startBenchBackends();
  try {
    if (only.has('routes')) {
      let base = 500;
      for (const n of numbers(flag(parsed, 'routes') ?? '')) {
        const endpointSamples = n === 1000 ? Number(flag(parsed, 'endpoint-samples')) : 0;
        const r = await scenario(`${n} routes`, report.errors, () =>
          runRoutesScenario({ n, addressBase: (base += 20), samples: Number(flag(parsed, 'samples')), endpointSamples }),
        );
        if (!r) continue;
        report.routes.push(r.reading);
        if (r.endpointChurn) {
          report.endpoint_churn_ms = r.endpointChurn;
          report.endpoints_total = SERVICES * ENDPOINTS_PER_SERVICE + 1;
        }
      }
    }
    if (only.has('throughput')) {
      report.throughput = await scenario('throughput', report.errors, () =>
        runThroughput({ addressBase: 700, seconds: Number(flag(parsed, 'ghz-seconds')), concurrency: 16 }),
      );
    }
    if (only.has('churn')) {
      const churn = await scenario('churn under load', report.errors, () =>
        runChurnScenario({ routes: Number(flag(parsed, 'churn-routes')), addressBase: 720, budgetMs: Number(flag(parsed, 'churn-minutes')) * 60_000 }),
      );
      if (churn) {
        report.churn = churn;
        report.churn_failed_rpcs = churn.load.failures;
        report.churn_total_rpcs = churn.load.calls;
      }
    }
    if (only.has('cycles')) {
      const cycles = await scenario('memory cycles', report.errors, () =>
        runCyclesScenario({
          routes: Number(flag(parsed, 'cycle-routes')),
          cycles: Number(flag(parsed, 'cycles')),
          addressBase: 740,
          budgetMs: Number(flag(parsed, 'cycles-minutes')) * 60_000,
        }),
      );
      if (cycles) {
        report.cycles = cycles;
        // Heap after a full GC is what a leak grows; RSS also moves with the allocator's own
        // retention, and is reported beside it (cycles.rss_growth_pct).
        report.memory_growth_pct = cycles.heap_growth_pct;
      }
    }
  } finally {
    closeEchoClients();
    await stopAll();
    await backends.stop();
  }
  writeReport(report, out, started);
  process.stdout.write(`${summary(report)}\n\nReport: ${path.relative(process.cwd(), out)} (${report.duration_s} s)\n`);
  if (report.errors.length > 0) process.stdout.write(`\nScenarios that failed:\n${report.errors.map((e) => `  ${e}`).join('\n')}\n`);
  return report.errors.length > 0 ? 1 : 0;
}

const maxMinutes = Number(parseFlags(process.argv.slice(2), SPECS).values.get('max-minutes')?.[0] ?? 25);
const runStarted = performance.now();
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: over ${maxMinutes} minutes; stopping\n`);
  if (partial) {
    partial.report.errors.push(`cut off after ${maxMinutes} minutes`);
    writeReport(partial.report, partial.out, runStarted);
    process.stderr.write(`bench: partial report in ${partial.out}\n`);
  }
  void stopAll().finally(() => process.exit(2));
}, maxMinutes * 60_000);
watchdog.unref();

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
    void stopAll().finally(() => process.exit(1));
  },
);
