/**
 * Runs a container of a chart-rendered Deployment without a kubelet: its Secret volumes are
 * written under a folder (as the kubelet would mount them), emptyDirs are made, and every
 * `--flag=value` argument naming a path under a mount is pointed into that folder. What the test
 * then runs uses the chart's own arguments, Secret names, keys and mount paths, so a mistake in
 * any of them fails it.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../../test/harness';

export type Rendered = { kind: string; metadata: { name: string }; data?: Record<string, string> } & Record<string, unknown>;

interface Container {
  name: string;
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

interface Volume {
  name: string;
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  emptyDir?: object;
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface ChartContainer {
  /** The container's arguments, paths under its mounts moved into the folder. */
  args: string[];
  /** The value of `--name=value` among `args`; throws when absent. */
  flag(name: string): string;
}

function find(rendered: readonly Rendered[], kind: string, name: string): Rendered {
  const found = rendered.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`the chart rendered no ${kind} ${name}`);
  return found;
}

/**
 * Mounts the volumes of the Pod's containers under `root` and returns one container's arguments,
 * moved there. Every container's mounts, because an init container may name paths that only the
 * container it prepares for has (the Envoy bootstrap names Envoy's certificate files).
 */
export function chartContainer(rendered: readonly Rendered[], kind: string, name: string, containerName: string, root: string): ChartContainer {
  const pod = (find(rendered, kind, name) as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  const all = [...pod.containers, ...(pod.initContainers ?? [])];
  const container = all.find((c) => c.name === containerName);
  if (!container) throw new Error(`${kind} ${name} has no container ${containerName}`);
  const mounts = all.flatMap((c) => c.volumeMounts ?? []);
  for (const mount of mounts) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`${kind} ${name}: volume ${mount.name} is mounted but not declared`);
    const dir = path.join(root, mount.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    if (!volume.secret) continue;
    const secret = find(rendered, 'Secret', volume.secret.secretName);
    const items = volume.secret.items ?? Object.keys(secret.data ?? {}).map((key) => ({ key, path: key }));
    for (const item of items) {
      const value = secret.data?.[item.key];
      if (value === undefined) throw new Error(`Secret ${volume.secret.secretName} has no key ${item.key}`);
      fs.writeFileSync(path.join(dir, item.path), Buffer.from(value, 'base64'));
    }
  }
  const args = (container.args ?? []).map((arg) => {
    const mount = mounts.find((m) => arg.includes(`=${m.mountPath}/`));
    return mount ? arg.replace(`=${mount.mountPath}/`, `=${path.join(root, mount.mountPath)}/`) : arg;
  });
  return {
    args,
    flag: (flagName) => {
      const arg = args.find((a) => a.startsWith(`--${flagName}=`));
      if (arg === undefined) throw new Error(`${kind} ${name} container ${containerName}: no --${flagName}`);
      return arg.slice(flagName.length + 3);
    },
  };
}

/**
 * Runs `attache <args>` of a container whose command writes a file with `--output` (the Envoy
 * init container's `attache bootstrap`), with `overrides` replacing some `--flag=value`s, and
 * returns the file.
 */
export async function runBootstrapCommand(container: ChartContainer, overrides: Record<string, string>): Promise<string> {
  const args = container.args.map((arg) => {
    const m = /^--([a-z-]+)=/.exec(arg);
    return m && overrides[m[1]] !== undefined ? `--${m[1]}=${overrides[m[1]]}` : arg;
  });
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/attache.js'), ...args], { timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`attache ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
  return fs.readFileSync(container.flag('output'), 'utf8');
}
