/**
 * The Dockerfile's runtime stage holds exactly what `attache` reads when it runs. No Docker
 * engine runs here (nor in CI), so the test builds the same layout by hand: every `COPY
 * --from=build` of the last stage, from the compiled tree, into an empty folder with the
 * package manifest, and runs the image's commands from there — validate and translate the
 * bundled examples (CRDs, protos), and render a bootstrap that Envoy accepts (envoy/). A path
 * the code reads but the Dockerfile leaves out fails here. It also checks what the chart relies
 * on: the entrypoint is bin/attache.js (its first line carries the node flags) and the user is a
 * numeric non-root one (so the kubelet can verify `runAsNonRoot`).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { ROOT, validateEnvoyConfig } from '../test/harness';

const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 60_000;

interface RuntimeStage {
  copies: Array<{ from: string; to: string }>;
  user: string;
  entrypoint: string[];
}

/** The last stage of the Dockerfile: its COPY --from=build lines, USER and ENTRYPOINT. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1];
  const copies = [...last.matchAll(/^COPY --from=build \/build\/(\S+) (\S+)$/gm)].map((m) => ({ from: m[1], to: m[2] }));
  const user = /^USER (\S+)$/m.exec(last)?.[1] ?? '';
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(last)?.[1] ?? '[]') as string[];
  return { copies, user, entrypoint };
}

let app: string;
let stage: RuntimeStage;

beforeAll(() => {
  stage = runtimeStage(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-image-'));
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(app, file));
  for (const { from, to } of stage.copies) fs.cpSync(path.join(ROOT, from), path.join(app, to), { recursive: true });
  // The image installs the production dependencies; the lint (dependency-cruiser) keeps shipped
  // code off the dev ones, so the repository's node_modules stands in for them.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'));
});

afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

function attache(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const entry = path.join(app, path.relative('/app', stage.entrypoint[0]));
  return run(entry, args, { cwd: app, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

describe('the container image (Dockerfile runtime stage)', () => {
  it('runs bin/attache.js as a numeric non-root user', () => {
    expect(stage.entrypoint).toEqual(['/app/bin/attache.js']);
    expect(stage.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(stage.copies.map((c) => c.from)).toContain('dist/src');
  });

  it('validates and translates the bundled examples from the image layout alone', async () => {
    const examples = path.join(ROOT, 'examples');
    const validated = await attache(['validate', examples]);
    expect(validated.stdout + validated.stderr).not.toMatch(/error/i);
    const translated = await attache(['translate', examples]);
    expect(translated.stdout).toContain('envoy.config.listener.v3.Listener');
  });

  it('renders a bootstrap Envoy accepts, as the provisioned init container does', async () => {
    const output = path.join(app, 'bootstrap.yaml');
    await attache(['bootstrap', '--gateway', 'default/grpc-gateway', '--xds', '127.0.0.1:18000', '--xds-plaintext', '--output', output]);
    const result = await validateEnvoyConfig(fs.readFileSync(output, 'utf8'));
    if (!result.ok) throw new Error(result.output);
  });
});
