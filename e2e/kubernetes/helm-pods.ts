/**
 * Runs a container of a chart-rendered Deployment without a kubelet: its volumes are made under
 * a folder as the local cluster's kubelet makes them (tools/local-cluster/pod-volumes.ts: Secrets
 * from the rendered objects, emptyDirs), and every argument naming a path under a mount is
 * pointed into that folder (tools/local-cluster/container-command.ts). What the test then runs
 * uses the chart's own arguments, Secret names, keys and mount paths, so a mistake in any of
 * them fails it.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../../test/harness';
import { rewriteMountPaths } from '../../tools/local-cluster/container-command';
import { type PodSpec } from '../../tools/local-cluster/pod';
import { volumeContent, writePodFilesystem } from '../../tools/local-cluster/pod-volumes';

export type Rendered = { kind: string; metadata: { name: string }; data?: Record<string, string> } & Record<string, unknown>;

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
  const volumes = pod.volumes ?? [];
  const contents = new Map<string, Map<string, Buffer>>();
  const sources = {
    secret: (secretName: string) => rendered.find((o) => o.kind === 'Secret' && o.metadata.name === secretName)?.data,
    configMap: () => undefined,
    field: () => undefined,
  };
  for (const volume of volumes) {
    const content = volumeContent(volume, sources);
    if ('waiting' in content) throw new Error(`${kind} ${name}: ${content.waiting}`);
    contents.set(volume.name, content.files);
  }
  // One folder per workload: two Deployments may name different Secrets' volumes alike.
  const mounts = writePodFilesystem(
    path.join(root, name),
    volumes,
    contents,
    all.flatMap((c) => c.volumeMounts ?? []),
  );
  const args = (container.args ?? []).map((arg) => rewriteMountPaths(arg, mounts));
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
