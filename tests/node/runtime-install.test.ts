// Every entry point that runs the engine installs its runtime once (issue 14: one installer per runtime instead of
// global setters each entry must remember): Node processes call installNodeRuntime (node:crypto SHA-256, codec
// threads), browser workers that export call installWorkerRuntime (zip.js inline, codec workers). The entries are
// found, not listed: a new worker (unless named below as running no export) or a bench that runs an export without
// its installer fails here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/zip-files.ts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
/** Workers that run no export: the codec worker is the whole-entry codec itself; the sync worker only talks to the records API. */
const WORKERS_WITHOUT_EXPORTS: Record<string, string> = {
  'src/workers/codec.worker.ts': 'is the codec',
  'src/workers/sync.worker.ts': 'syncs only',
};

/** Called at the top level of the module (not inside a function that might never run). */
function callsAtTopLevel(source: string, installer: string): boolean {
  return new RegExp(`^\\s*${installer}\\(\\);`, 'm').test(source) && new RegExp(`import \\{ ${installer} \\} from '[^']+runtime\\.ts';`).test(source);
}

describe('runtime installers', () => {
  const workers = readdirSync(join(REPO_ROOT, 'src/workers')).filter((n) => n.endsWith('.worker.ts')).map((n) => `src/workers/${n}`)
    .filter((path) => !(path in WORKERS_WITHOUT_EXPORTS));
  const nodeEntries = ['src/cli/main.ts', 'src/server/export-worker.ts',
    ...readdirSync(join(REPO_ROOT, 'bench')).filter((n) => n.endsWith('.ts')).map((n) => `bench/${n}`)
      .filter((path) => /\brunExport\(|\bverifyExport\(/.test(read(path)) && !read(path).includes('page.evaluate'))];

  it('finds the entry points it checks', () => {
    expect(workers).toEqual(expect.arrayContaining(['src/workers/export.worker.ts', 'src/workers/jobs.worker.ts']));
    for (const path of Object.keys(WORKERS_WITHOUT_EXPORTS)) expect(read(path)).not.toMatch(/resumable-jobs|export-jobs|engine\/index/);
    expect(nodeEntries).toEqual(expect.arrayContaining(['bench/export-bench.ts']));
  });

  it.each([...[...new Set(nodeEntries)].map((p) => [p, 'installNodeRuntime']), ...[...new Set(workers)].map((p) => [p, 'installWorkerRuntime'])])(
    '%s calls %s at start, and sets no engine global itself', (path, installer) => {
      const source = read(path);
      expect(callsAtTopLevel(source, installer)).toBe(true);
      expect(source).not.toMatch(/\b(setSha256Factory|setWholeEntryCodec)\(|\bconfigure\(\{/);
    });
});
