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
import { type IssuerCa, IssuerCaError, loadIssuerCa } from '../runner/xds-client-certificate';
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
  {
    name: 'xds-issuer-ca-cert',
    description:
      "CA certificate (PEM) that signs each provisioned Gateway's xDS client certificate (Secret attache-<gateway>-xds); also their ca.crt, so this control plane's xDS certificate must chain to it",
  },
  {
    name: 'xds-issuer-ca-key',
    description: 'private key (PEM) of --xds-issuer-ca-cert; without both, provisioned Envoys wait for someone else to write their Secret',
  },
];

/**
 * The issuer's CA (--xds-issuer-ca-cert/--xds-issuer-ca-key), read and checked now; undefined
 * without them. Needs provisioning and mTLS (`trustDomain` undefined: plaintext).
 */
export async function xdsIssuerCa(parsed: ParsedFlags, provisioning: boolean, trustDomain: string | undefined): Promise<IssuerCa | undefined> {
  const certFile = flag(parsed, 'xds-issuer-ca-cert');
  const keyFile = flag(parsed, 'xds-issuer-ca-key');
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--xds-issuer-ca-cert and --xds-issuer-ca-key: give both or neither');
  if (!provisioning) throw new UsageError('--xds-issuer-ca-cert: only with --source kubernetes and --provision (the default there)');
  if (trustDomain === undefined) throw new UsageError('--xds-issuer-ca-cert: needs xDS over mTLS (--xds-tls-cert, --xds-tls-key, --xds-tls-client-ca)');
  const read = (file: string, what: string): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  try {
    return await loadIssuerCa(read(certFile, 'xds-issuer-ca-cert'), read(keyFile, 'xds-issuer-ca-key'), { cert: certFile, key: keyFile });
  } catch (e) {
    if (e instanceof IssuerCaError) throw new UsageError(`--xds-issuer-ca-cert/--xds-issuer-ca-key: ${e.message}`);
    throw e;
  }
}

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
