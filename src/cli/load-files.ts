/** Offline commands (status, translate, validate) read files the way `attache serve` does. */
import * as fs from 'fs';
import { type KubernetesObject } from '../apis/meta';
import { CommandError } from './flags';
import { DEFAULT_CONTROLLER_NAME, type TranslateOptions } from '../gatewayapi/options';
import { FileSource } from '../sources/file/file-source';
import { type SkippedObject, type SourceError } from '../sources/file/parse';
import { type CrdSchemas, loadCrdSchemas } from '../sources/validation/crd-schemas';
import { groupByKind, type Resources } from '../store/resources';

export interface LoadedFiles {
  objects: KubernetesObject[];
  resources: Resources;
  errors: SourceError[];
  /** Objects of kinds Attaché does not consume, left out (see formatSkipped). */
  skipped: SkippedObject[];
  /** The files read (absolute paths). */
  files: string[];
  schemas: CrdSchemas;
}

/** Offline commands read what they are given, now: a path that does not exist is an error (serve waits for it instead). */
export async function loadFiles(paths: readonly string[]): Promise<LoadedFiles> {
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length > 0) throw new CommandError(`-f: no such file or directory: ${missing.join(', ')}`);
  const schemas = loadCrdSchemas();
  const snap = await new FileSource(paths, schemas).load();
  return { objects: snap.objects, resources: groupByKind(snap.objects), errors: snap.errors, skipped: snap.skipped, files: snap.files, schemas };
}

/** The options `attache serve` would use by default; offline output matches a default server. */
export function offlineOptions(controllerName = DEFAULT_CONTROLLER_NAME): TranslateOptions {
  return { controllerName, defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: new Date().toISOString() };
}
