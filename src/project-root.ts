/**
 * The repository root, found from this file's location whether it runs from src/ (ts-jest) or
 * from dist/src/ (compiled): the nearest folder upwards that holds package.json. Data files that
 * ship with the project (protos/, crds/, envoy/, examples/) are found from here.
 */
import * as fs from 'fs';
import * as path from 'path';

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(__dirname);
