/**
 * A Pod's volumes as directories: emptyDir (empty), secret and configMap (a file per key, or
 * per `items` entry), downwardAPI (a file per field), and projected (all of those in one). Each
 * volume is a directory `<root>/volumes/<name>`, and each mount a symbolic link
 * `<root>/fs<mountPath>` to it (or to its `subPath`), so one volume mounted at two places is
 * one directory, and `container-command.ts` moves paths under a mountPath to `<root>/fs...`.
 *
 * Why not bind mounts in a mount namespace per Pod: a mountPath like /etc/envoy/bootstrap must
 * exist to mount on, and creating it would create directories on the host's own filesystem
 * (a private mount namespace shares the directories, only not the mounts); a tmpfs over /etc to
 * make room would hide the host's /etc from the process. Rewriting paths touches nothing
 * outside the work directory. The cost: a program that derives a path from a mounted one by a
 * route we do not see (a path inside a mounted file that the Pod did not write itself) sees the
 * container's path. serviceAccountToken projections are not made (no token is minted).
 *
 * Every key and path comes from an API object: paths must be relative without `..`, names are
 * checked before anything is written. `volumeContent` is pure; `writePodFilesystem` does the I/O.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type MountedPath } from './container-command';
import { type DownwardAPIFile, type KeyToPath, type Volume, type VolumeMount } from './pod';

export interface VolumeSources {
  /** A Secret's `data` (base64), or undefined when there is no such Secret. */
  secret(name: string): Record<string, string> | undefined;
  configMap(name: string): { data?: Record<string, string>; binaryData?: Record<string, string> } | undefined;
  /** A downward-API field (container-env.ts fieldValue), or undefined when not supported. */
  field(fieldPath: string): string | undefined;
}

/** The files of a volume (path relative to the volume → content), or why it cannot be made yet. */
export type VolumeContent = { files: Map<string, Buffer> } | { waiting: string };

/** Bounds: what a Secret or ConfigMap can hold anyway (1 MiB each), times a few sources. */
const MAX_VOLUME_BYTES = 8 * 1024 * 1024;

export function volumeContent(volume: Volume, sources: VolumeSources): VolumeContent {
  const files = new Map<string, Buffer>();
  const where = `volume ${volume.name}`;
  const add = (rel: string, content: Buffer): string | undefined => {
    const bad = badRelativePath(rel);
    if (bad) return `${where}: path ${JSON.stringify(rel)} ${bad}`;
    files.set(rel, content);
    return undefined;
  };
  const fromSecret = (name: string | undefined, items: KeyToPath[] | undefined, optional: boolean | undefined): string | undefined => {
    const data = name === undefined ? undefined : sources.secret(name);
    if (!data) return optional ? undefined : `${where}: Secret ${name ?? '(no name)'} not found`;
    const decoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
    return fromKeys(`Secret ${name}`, decoded, items, optional);
  };
  const fromConfigMap = (name: string | undefined, items: KeyToPath[] | undefined, optional: boolean | undefined): string | undefined => {
    const cm = name === undefined ? undefined : sources.configMap(name);
    if (!cm) return optional ? undefined : `${where}: ConfigMap ${name ?? '(no name)'} not found`;
    const all: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(cm.data ?? {})) all[k] = Buffer.from(v, 'utf8');
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) all[k] = Buffer.from(v, 'base64');
    return fromKeys(`ConfigMap ${name}`, all, items, optional);
  };
  const fromKeys = (what: string, all: Record<string, Buffer>, items: KeyToPath[] | undefined, optional: boolean | undefined): string | undefined => {
    for (const item of items ?? Object.keys(all).map((key) => ({ key, path: key }))) {
      const value = all[item.key];
      if (value === undefined) {
        if (optional) continue;
        return `${where}: ${what} has no key ${item.key}`;
      }
      const err = add(item.path, value);
      if (err) return err;
    }
    return undefined;
  };
  const fromFields = (items: DownwardAPIFile[] | undefined): string | undefined => {
    for (const item of items ?? []) {
      const value = item.fieldRef ? sources.field(item.fieldRef.fieldPath) : undefined;
      if (value === undefined) return `${where}: downwardAPI ${item.path}: only supported fieldRefs are made`;
      const err = add(item.path, Buffer.from(value, 'utf8'));
      if (err) return err;
    }
    return undefined;
  };
  let error: string | undefined;
  if (volume.emptyDir) error = undefined;
  else if (volume.secret) error = fromSecret(volume.secret.secretName, volume.secret.items, volume.secret.optional);
  else if (volume.configMap) error = fromConfigMap(volume.configMap.name, volume.configMap.items, volume.configMap.optional);
  else if (volume.downwardAPI) error = fromFields(volume.downwardAPI.items);
  else if (volume.projected) {
    for (const s of volume.projected.sources ?? []) {
      if (s.secret) error = fromSecret(s.secret.name, s.secret.items, s.secret.optional);
      else if (s.configMap) error = fromConfigMap(s.configMap.name, s.configMap.items, s.configMap.optional);
      else if (s.downwardAPI) error = fromFields(s.downwardAPI.items);
      // serviceAccountToken: no token is minted locally (the file is left out).
      if (error) break;
    }
  } else error = `${where}: only emptyDir, secret, configMap, downwardAPI and projected volumes are made locally`;
  if (error) return { waiting: error };
  const total = [...files.values()].reduce((n, b) => n + b.length, 0);
  if (total > MAX_VOLUME_BYTES) return { waiting: `${where}: ${total} bytes, more than the local limit of ${MAX_VOLUME_BYTES}` };
  return { files };
}

/** The Secrets and ConfigMaps a Pod's volumes name (for the kubelet to fetch first). */
export function referencedObjects(volumes: readonly Volume[]): { secrets: string[]; configMaps: string[] } {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const v of volumes) {
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    for (const s of v.projected?.sources ?? []) {
      if (s.secret?.name) secrets.add(s.secret.name);
      if (s.configMap?.name) configMaps.add(s.configMap.name);
    }
  }
  return { secrets: [...secrets], configMaps: [...configMaps] };
}

/** Why `rel` may not be a path inside a volume, or undefined when it may. */
function badRelativePath(rel: string): string | undefined {
  if (rel === '' || path.isAbsolute(rel)) return 'must be a relative path';
  if (rel.split('/').includes('..')) return "may not contain '..'";
  return undefined;
}

/**
 * Writes the volumes under `<root>/volumes/` and links every mount under `<root>/fs/`; returns
 * the mounts for container-command.ts. `contents`: volumeContent of every volume. A mount of a
 * volume the Pod does not declare, or a bad subPath, throws (the Pod cannot start).
 */
export function writePodFilesystem(
  root: string,
  volumes: readonly Volume[],
  contents: ReadonlyMap<string, Map<string, Buffer>>,
  mounts: readonly VolumeMount[],
): MountedPath[] {
  for (const v of volumes) {
    const dir = path.join(root, 'volumes', safeName(v.name));
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, content] of contents.get(v.name) ?? []) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content, { mode: 0o600 });
    }
  }
  const out: MountedPath[] = [];
  for (const m of mounts) {
    if (!volumes.some((v) => v.name === m.name)) throw new Error(`volumeMounts: ${m.mountPath} mounts volume ${m.name}, which the Pod does not declare`);
    if (!m.mountPath.startsWith('/') || m.mountPath.split('/').includes('..'))
      throw new Error(`volumeMounts: mountPath ${m.mountPath} must be absolute without '..'`);
    if (m.subPath && badRelativePath(m.subPath)) throw new Error(`volumeMounts: subPath ${m.subPath} ${badRelativePath(m.subPath)}`);
    let target = path.join(root, 'volumes', safeName(m.name));
    if (m.subPath) {
      target = path.join(target, m.subPath);
      if (!fs.existsSync(target)) fs.mkdirSync(target, { recursive: true }); // as the kubelet: a missing subPath becomes a directory
    }
    const hostPath = path.join(root, 'fs', m.mountPath);
    if (!out.some((o) => o.mountPath === m.mountPath)) {
      fs.mkdirSync(path.dirname(hostPath), { recursive: true });
      if (!fs.existsSync(hostPath)) fs.symlinkSync(target, hostPath);
      out.push({ mountPath: m.mountPath, hostPath });
    }
  }
  return out;
}

function safeName(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) throw new Error(`volume name ${JSON.stringify(name)} is not a DNS label`);
  return name;
}
