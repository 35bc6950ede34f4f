// Retention deletes only expired exports (audited); the folder mirror writes only what changed and removes what went.

import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { runExport } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import type { Activity, RecordKind } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type RecordFilter } from '../../src/model/request.ts';
import type { RecordSource } from '../../src/model/source.ts';
import { searchAudit } from '../../src/jobs/audit.ts';
import { createJob, jobsTable, transitionJob } from '../../src/jobs/lifecycle.ts';
import { mirrorExport, MIRROR_STATE_PATH, type MirrorDirectory } from '../../src/jobs/mirror.ts';
import { nodeDirectory } from '../../src/node/mirror-directory.ts';
import { expireExports } from '../../src/jobs/retention.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import { memorySink } from '../helpers/zip-files.ts';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

describe('expireExports', () => {
  it('deletes the files of expired exports only, audits each deletion and marks the jobs EXPIRED', async () => {
    const db = new TakeawayDb('jobs-retention-1');
    const request: ExportRequest = { createdAtMs: T0, filter: { kinds: ['steps'] }, formats: { steps: ['csv'] }, options: DEFAULT_EXPORT_OPTIONS };
    for (const [id, expiresAtMs] of [['old', T0 + 30 * DAY], ['new', T0 + 40 * DAY]] as const) {
      await createJob(db, { id, request, trigger: 'manual', userId: 'u', destination: 'opfs:exports' }, 'user', T0);
      await transitionJob(db, id, 'PROCESSING', { actor: 'user', nowMs: T0 });
      await transitionJob(db, id, 'COMPLETED', { actor: 'system', nowMs: T0, completed: { sizeBytes: 10, sha256: 'x', fileNames: [`exports/${id}-001.zip`, `exports/${id}-002.zip`], manifest: { files: [] } as never, expiresAtMs } });
    }
    await createJob(db, { id: 'running', request, trigger: 'manual', userId: 'u', destination: 'opfs:exports' }, 'user', T0);
    const deleted: string[] = [];
    const expired = await expireExports(db, { deleteFile: async (path) => { deleted.push(path); } }, T0 + 35 * DAY);
    expect(expired).toEqual(['old']);
    expect(deleted).toEqual(['exports/old-001.zip', 'exports/old-002.zip']);
    expect((await jobsTable(db).get('old'))!.status).toBe('EXPIRED');
    expect((await jobsTable(db).get('new'))!.status).toBe('COMPLETED');
    expect((await searchAudit(db, { action: 'DELETED' })).map((e) => e.detail).sort()).toEqual(deleted);
    expect((await searchAudit(db, { jobId: 'old', action: 'EXPIRED' }))).toHaveLength(1);
    expect(await expireExports(db, { deleteFile: async (path) => { deleted.push(path); } }, T0 + 35 * DAY)).toEqual([]);
  });
});

const dataset = createDemoDataset({ seed: 8, days: 10, activityCount: 4, samplesPerActivity: 600, genericCount: 5 });
const request: ExportRequest = { createdAtMs: T0, filter: { kinds: ['activity', 'steps'] }, formats: { activity: ['fit'], steps: ['csv'] }, options: DEFAULT_EXPORT_OPTIONS };

/** The demo data after one activity was deleted and another renamed. */
function editedSource(deletedId: string, renamedId: string): RecordSource {
  const source = new DemoRecordSource(dataset);
  return {
    ...source,
    track: (a: Activity) => source.track(a),
    count: (kind: RecordKind, filter: RecordFilter) => source.count(kind, filter),
    async *records(kind, filter, batchSize) {
      for await (const batch of source.records(kind, filter, batchSize)) {
        yield batch.filter((r) => r.id !== deletedId).map((r) => (r.id === renamedId ? { ...r, name: 'Renamed run' } : r)) as typeof batch;
      }
    },
  };
}

async function exportBytes(source: RecordSource): Promise<Uint8Array> {
  const { sink, bytes } = memorySink();
  await runExport(request, source, sink, { registry: FORMAT_REGISTRY });
  return bytes();
}

function memoryDirectory(): MirrorDirectory & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files, writes,
    list: async () => [...files.keys()],
    readHash: async (path) => (files.has(path) ? createHash('sha256').update(files.get(path)!).digest('hex') : undefined),
    readText: async (path) => (files.has(path) ? new TextDecoder().decode(files.get(path)) : undefined),
    async write(path, content) {
      const parts: Uint8Array[] = [];
      for await (const chunk of content) parts.push(chunk.slice());
      files.set(path, Buffer.concat(parts));
      writes.push(path);
    },
    remove: async (path) => { files.delete(path); },
  };
}

describe('mirrorExport', () => {
  const [deletedId, renamedId] = dataset.activities().slice(0, 2).map((a) => a.id);

  for (const [label, makeDir] of [
    ['an in-memory folder', () => memoryDirectory()],
    ['a real Node folder', () => nodeDirectory(mkdtempSync(join(tmpdir(), 'takeaway-mirror-')))],
  ] as const) {
    it(`keeps ${label} equal to the latest export, writing only changed files and removing deleted ones`, async () => {
      const dir = makeDir();
      const first = await mirrorExport(dir, new Uint8ArrayReader(await exportBytes(new DemoRecordSource(dataset))));
      expect(first.removed).toEqual([]);
      expect(first.unchanged).toEqual([]);
      const fitFiles = first.written.filter((p) => p.endsWith('.fit'));
      expect(fitFiles).toHaveLength(4);
      const again = await mirrorExport(dir, new Uint8ArrayReader(await exportBytes(new DemoRecordSource(dataset))));
      expect(again.written).toEqual([]);
      const second = await mirrorExport(dir, new Uint8ArrayReader(await exportBytes(editedSource(deletedId, renamedId))));
      // FIT names carry the activity name: the renamed activity moves to a new path, the deleted one goes.
      expect(second.removed).toHaveLength(2);
      expect(second.removed.every((p) => p.endsWith('.fit'))).toBe(true);
      expect(second.written.filter((p) => p.endsWith('.fit'))).toEqual([expect.stringMatching(/renamed-run/i)]);
      expect(second.written).toEqual(expect.arrayContaining(['manifest.json', 'SHA256SUMS']));
      expect(second.unchanged.filter((p) => p.endsWith('.fit'))).toHaveLength(2);
      for (const path of await dir.list()) {
        if (path === MIRROR_STATE_PATH) continue;
        const manifest = JSON.parse((await dir.readText('manifest.json'))!) as { files: { path: string; sha256: string }[] };
        if (path === 'manifest.json' || path === 'SHA256SUMS') continue;
        expect(await dir.readHash(path)).toBe(manifest.files.find((f) => f.path === path)!.sha256);
      }
    });
  }

  it('never removes a file it did not write', async () => {
    const root = mkdtempSync(join(tmpdir(), 'takeaway-mirror-'));
    writeFileSync(join(root, 'my-notes.txt'), 'keep me');
    const dir = nodeDirectory(root);
    await mirrorExport(dir, new Uint8ArrayReader(await exportBytes(new DemoRecordSource(dataset))));
    await mirrorExport(dir, new Uint8ArrayReader(await exportBytes(editedSource(deletedId, renamedId))));
    expect(readFileSync(join(root, 'my-notes.txt'), 'utf8')).toBe('keep me');
  });
});
