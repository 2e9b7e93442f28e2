import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { PROTO_INCLUDE_DIRS, ROOT_FILES, envoyRoot } from './proto';
import { PROJECT_ROOT } from '../project-root';

// protos/vendor/ is a pinned copy of upstream files, kept to exactly what Attaché loads, so that
// scripts/vendor-protos.sh, scripts/generate-types.sh and src/xds/proto.ts cannot drift apart.
const VENDOR = path.join(PROJECT_ROOT, 'protos', 'vendor');

function listing(file: string): string[][] {
  return fs
    .readFileSync(path.join(VENDOR, file), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
}

function protoFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.proto'))
    .map((f) => path.join(dir, f));
}

describe('the vendored Envoy protos', () => {
  it('ROOT_FILES is the list protos/vendor/ROOTS gives the scripts', () => {
    expect(listing('ROOTS').map(([file]) => file)).toEqual([...ROOT_FILES]);
  });

  it('are searched in protos/vendor/VERSIONS order, then protos/, all inside the repository', () => {
    const folders = listing('VERSIONS').map(([folder]) => path.join(VENDOR, folder));
    expect(PROTO_INCLUDE_DIRS).toEqual([...folders, path.join(PROJECT_ROOT, 'protos')]);
  });

  it('are exactly the files ROOT_FILES import, transitively', () => {
    const loaded = new Set<string>();
    const root = new protobuf.Root();
    root.resolvePath = (_origin: string, target: string): string => {
      for (const dir of PROTO_INCLUDE_DIRS) {
        const candidate = path.join(dir, target);
        if (fs.existsSync(candidate)) {
          loaded.add(candidate);
          return candidate;
        }
      }
      return target; // google/protobuf/*.proto: bundled in protobufjs
    };
    root.loadSync([...ROOT_FILES], { keepCase: true });
    expect([...loaded].sort()).toEqual(protoFilesUnder(VENDOR).sort());
  });

  it('load, and hold the messages Attaché emits', () => {
    const cluster = envoyRoot().lookupType('envoy.config.cluster.v3.Cluster');
    expect(cluster.fullName).toBe('.envoy.config.cluster.v3.Cluster');
  });
});
