/**
 * The two rewrites between a container's spec and the process the local kubelet starts. Pure.
 *
 *  - `$(VAR)` references in command, args and env values, expanded from the container's
 *    environment exactly as the kubelet does (k8s.io/kubernetes third_party/forked/golang/expansion):
 *    `$(VAR)` of a defined variable is its value, `$$` is a literal `$`, anything else is kept.
 *  - Paths under a volume's mountPath, moved to where the volume is materialized. Without a
 *    mount namespace a process cannot see `/etc/envoy/bootstrap`, so every argument and
 *    environment value that names a path under a mount (`/etc/x/f`, `--flag=/etc/x/f`,
 *    `a,/etc/x/f`) is pointed at `<pod root>/etc/x/f` instead. Files a program writes keep those
 *    paths (the Envoy bootstrap `attache bootstrap` writes names its certificate files), so every
 *    container of a Pod sees every mount of the Pod at the same place.
 */

export function expandVars(s: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$' || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = s.indexOf(')', i + 2);
      if (close < 0) {
        out += s.slice(i);
        break;
      }
      const name = s.slice(i + 2, close);
      out += Object.prototype.hasOwnProperty.call(env, name) ? env[name] : s.slice(i, close + 1);
      i = close;
    } else {
      out += '$';
    }
  }
  return out;
}

export interface MountedPath {
  /** The container's view, e.g. /etc/envoy/bootstrap. */
  mountPath: string;
  /** Where it is here. */
  hostPath: string;
}

/** `s` with every path under a mountPath (at the start, or after `=`, `:` or `,`) moved to its host path; longest mount first. */
export function rewriteMountPaths(s: string, mounts: readonly MountedPath[]): string {
  const sorted = [...mounts].map((m) => ({ ...m, mountPath: trimSlash(m.mountPath) })).sort((a, b) => b.mountPath.length - a.mountPath.length);
  if (sorted.length === 0) return s;
  const alternatives = sorted.map((m) => escapeRegExp(m.mountPath)).join('|');
  const re = new RegExp(`(^|[=:,])(${alternatives})(?=/|$|[,:])`, 'g');
  return s.replace(re, (_all, before: string, mountPath: string) => before + sorted.find((m) => m.mountPath === mountPath)!.hostPath);
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
