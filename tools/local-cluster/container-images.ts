/**
 * Which local program stands in for a container image, and the command line it runs — the part
 * of a container runtime the local kubelet keeps. There are no images here, so each image we
 * know is modelled by its entrypoint and default command, and Kubernetes' rule for combining
 * them with the container's `command` and `args` applies unchanged
 * ("Define a Command and Arguments for a Container"): `command` replaces the ENTRYPOINT,
 * `args` the CMD, and a `command` without `args` drops the CMD.
 *
 *  - `envoyproxy/envoy*` (envoy, envoy-distroless, any tag): ENTRYPOINT /docker-entrypoint.sh,
 *    CMD `envoy -c /etc/envoy/envoy.yaml`; the entrypoint runs `envoy` with the arguments when the
 *    first one starts with `-` (ci/docker-entrypoint.sh). Here: the installed Envoy binary.
 *  - the control plane's image (charts/attache/values.yaml `image.repository`, `attache`, any
 *    registry and tag): ENTRYPOINT bin/attache.js. Here: the repository's bin/attache.js.
 *  - echo-basic: run by echo-basic-ports.ts's rules (the conformance suite's Pods), not here.
 *
 * Anything else is `unknown`: the kubelet reports such Pods Running without a process. Pure.
 */

export interface LocalPrograms {
  envoy: string;
  /** bin/attache.js (its first line has the node flags). */
  attache: string;
  /** Image repositories (without registry or tag) that are the control plane's image. */
  controlPlaneImages: readonly string[];
}

export type ImageKind = 'envoy' | 'control-plane' | 'echo-basic' | 'unknown';

/** `registry.example:5000/org/name:tag@sha256:...` → `org/name`, the registry dropped when it has a dot, colon or is localhost. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const name = colon < 0 ? noDigest : noDigest.slice(0, colon);
  const parts = name.split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

export function imageKind(image: string, programs: Pick<LocalPrograms, 'controlPlaneImages'>): ImageKind {
  const repo = imageRepository(image);
  const last = repo.split('/').pop() ?? '';
  if (repo === 'envoyproxy/envoy' || repo.startsWith('envoyproxy/envoy-')) return 'envoy';
  if (last === 'echo-basic') return 'echo-basic';
  if (programs.controlPlaneImages.some((c) => c === repo || c === last)) return 'control-plane';
  return 'unknown';
}

export type LocalCommand = { argv: string[] } | { error: string };

const ENVOY_NAMES = new Set(['envoy', '/usr/local/bin/envoy']);
const ATTACHE_NAMES = new Set(['attache', 'attache.js', 'bin/attache.js', '/app/bin/attache.js', '/usr/local/bin/attache']);

/** The argv that runs `container` here (before $(VAR) expansion and path rewriting). */
export function localCommand(container: { image: string; command?: string[]; args?: string[] }, programs: LocalPrograms): LocalCommand {
  const kind = imageKind(container.image, programs);
  const { command, args } = container;
  switch (kind) {
    case 'envoy': {
      const argv = command ? [...command, ...(args ?? [])] : ['/docker-entrypoint.sh', ...(args ?? ['envoy', '-c', '/etc/envoy/envoy.yaml'])];
      let rest = argv;
      if (rest[0] === '/docker-entrypoint.sh') {
        rest = rest.slice(1);
        if (rest.length === 0 || rest[0].startsWith('-')) rest = ['envoy', ...rest];
      }
      if (!ENVOY_NAMES.has(rest[0])) return { error: `image ${container.image}: cannot run ${JSON.stringify(rest[0])} locally (only envoy)` };
      return { argv: [programs.envoy, ...rest.slice(1)] };
    }
    case 'control-plane': {
      const argv = command ? [...command, ...(args ?? [])] : ['attache', ...(args ?? [])];
      if (!ATTACHE_NAMES.has(argv[0])) return { error: `image ${container.image}: cannot run ${JSON.stringify(argv[0])} locally (only attache)` };
      return { argv: [programs.attache, ...argv.slice(1)] };
    }
    default:
      return { error: `image ${container.image}: no local program stands in for it` };
  }
}
