/**
 * The provisioner's flags (`attache serve --source kubernetes`): on by default, it creates each
 * Gateway's Envoys (src/provisioner); `--provision=false` keeps the unmanaged mode, where you run
 * Envoys yourself (the chart's `envoy.enabled`, or `attache bootstrap` anywhere). File mode never
 * provisions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../project-root';
import type { ProvisionOptions } from '../provisioner/options';
import { flag, type FlagSpec, type ParsedFlags, parseHostPort, UsageError } from './flags';

/** The chart's xDS Service for a release `attache` in `attache-system` (the chart passes its own). */
const DEFAULT_XDS = 'attache.attache-system.svc:18000';

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export const PROVISION_FLAGS: FlagSpec[] = [
  {
    name: 'provision',
    description:
      'kubernetes source: create each Gateway its Envoys (ServiceAccount, Deployment, Service, PodDisruptionBudget, HPA); false: run Envoys yourself',
    boolean: true,
    default: 'true',
  },
  { name: 'provision-xds-address', description: "where provisioned Envoys reach this control plane's xDS (HOST:PORT)", default: DEFAULT_XDS },
  { name: 'provision-xds-server-name', description: "the name this control plane's xDS certificate carries (default: the host of --provision-xds-address)" },
  {
    name: 'provision-image',
    description: "the control plane image whose `attache bootstrap` writes the Envoys' bootstrap (init container) (default: attache:<version>)",
  },
];

/** The provisioner's options (with serve's --controller-name and --port-shift), or undefined with --provision=false. */
export function provisionOptions(parsed: ParsedFlags): ProvisionOptions | undefined {
  const on = flag(parsed, 'provision');
  if (on !== 'true' && on !== 'false') throw new UsageError(`--provision: expected true or false, got "${on}"`);
  if (on === 'false') return undefined;
  const xdsAddress = parseHostPort(flag(parsed, 'provision-xds-address')!, 'provision-xds-address');
  return {
    controllerName: flag(parsed, 'controller-name')!,
    privilegedPortShift: Number(flag(parsed, 'port-shift')),
    xdsAddress,
    xdsServerName: flag(parsed, 'provision-xds-server-name'),
    controlPlaneImage: flag(parsed, 'provision-image') ?? `attache:${packageVersion()}`,
  };
}
