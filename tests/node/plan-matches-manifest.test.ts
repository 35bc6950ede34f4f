// The plan is the export's own: for each kind of request, over the Dexie source (fake-indexeddb) and the memory
// source, the plan's counts, file list and left-out records equal the finished export's manifest (issue 15).

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDataset, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { planExport, runExport, type ExportPlan, type Manifest } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { importFiles } from '../../src/import/index.ts';
import { corpusPath } from '../../src/import/corpus.test-helper.ts';
import { importIntoStore } from '../../src/import/store-import.ts';
import { MemoryRecordSource } from '../../src/model/memory-source.ts';
import type { Activity, RecordKind, TakeawayRecord } from '../../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions, type ExportRequest, type FormatId, type RecordFilter } from '../../src/model/request.ts';
import type { RecordSource } from '../../src/model/source.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import { DexieRecordSource } from '../../src/store/dexie-record-source.ts';
import { loadDemoData } from '../../src/workers/demo-loader.ts';

const CREATED_MS = Date.UTC(2026, 10, 24, 12);
const ALL_KINDS: RecordKind[] = ['activity', 'steps', 'weight', 'sleep', 'record'];
const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
const demoRecords: TakeawayRecord[] = [...dataset.activities(), ...(['steps', 'weight', 'sleep', 'record'] as const).flatMap((k) => dataset.records(k))];
const memory = new MemoryRecordSource(demoRecords, (activity: Activity) => dataset.track(activity));
const demoDb = new TakeawayDb('plan-matches-manifest-demo');
const importDb = new TakeawayDb('plan-matches-manifest-import');
const dexie = new DexieRecordSource(demoDb);
const imported = new DexieRecordSource(importDb);

beforeAll(async () => {
  await loadDemoData(demoDb, DEMO_SMALL_OPTIONS);
  const names = ['run-6782987395.fit', 'fr920xt-pool-swim.fit', 'fenix5-run.fit', 'edge810-vector-power.fit'];
  const result = await importIntoStore(importDb, importFiles(names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(corpusPath('fit', name))) })), { nowMs: CREATED_MS }));
  expect(result).toMatchObject({ activities: 4, errors: [] });
}, 120_000);
afterAll(async () => {
  await demoDb.delete();
  await importDb.delete();
});

function request(filter: Partial<RecordFilter>, formats: FormatId[], options: Partial<ExportOptions> = {}): ExportRequest {
  const kinds = filter.kinds ?? ALL_KINDS;
  return {
    createdAtMs: CREATED_MS,
    filter: { ...filter, kinds },
    formats: Object.fromEntries(kinds.map((kind) => [kind, formats.filter((f) => FORMAT_REGISTRY[f]!.kinds.includes(kind))])),
    options: { ...DEFAULT_EXPORT_OPTIONS, ...options, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true, ...options.csv } },
  };
}

const firstGps = dataset.activities().find((a) => a.channels.includes('lat'))!;
const home = (() => {
  const [chunk] = [...dataset.trackSync(firstGps)];
  return { latDeg: chunk!.lat![0]!, lonDeg: chunk!.lon![0]! };
})();

/** Paths with an activity's name slug masked: pseudonyms differ between two exports (a fresh key each). */
const withoutNames = (path: string) => path.replace(/^(activities\/[a-z]+\/\d{4}-\d{2}-\d{2}_\d{4})_[^/]*?(\.[a-z]+)$/, '$1_*$2');

const CASES: { name: string; request: ExportRequest; masksNames?: boolean }[] = [
  { name: 'text search', request: request({ text: 'morning' }, ['csv', 'json', 'gpx']) },
  { name: 'a field condition', request: request({ conditions: [{ field: 'totals.distanceM', op: 'gt', value: 5_000 }] }, ['fit', 'gpx', 'csv']) },
  { name: 'tags', request: request({ tags: ['commute'] }, ['tcx', 'csv', 'xlsx']) },
  { name: 'categories', request: request({ categories: ['leisure'] }, ['gpx', 'xml', 'pdf']) },
  { name: 'a privacy zone (GPS only)', request: request({}, ['gpx', 'csv'], { privacy: { zones: [{ ...home, radiusM: 500 }] } }) },
  { name: 'a privacy zone (whole samples)', request: request({}, ['gpx', 'fit', 'csv'], { privacy: { zones: [{ ...home, radiusM: 50_000 }], zoneMode: 'sample' } }) },
  { name: 'no GPS', request: request({}, ['gpx', 'json'], { privacy: { dropGps: true } }) },
  { name: 'no serials', request: request({ kinds: ['activity'] }, ['fit', 'original'], { privacy: { dropSerials: true } }) },
  { name: 'pseudonyms', request: request({}, ['gpx', 'csv', 'json'], { privacy: { pseudonymise: true } }), masksNames: true },
  { name: 'a time shift', request: request({}, ['fit', 'csv', 'xlsx'], { privacy: { timeShiftDays: -10 } }) },
  { name: 'every format', request: request({}, ['fit', 'tcx', 'gpx', 'original', 'csv', 'json', 'xml', 'xlsx', 'pdf']) },
];

async function planAndRun(source: RecordSource, req: ExportRequest): Promise<{ plan: ExportPlan; manifest: Manifest }> {
  const plan = await planExport(req, source, FORMAT_REGISTRY, { previewRows: 2 });
  const { manifest } = await runExport(req, source, new WritableStream(), { registry: FORMAT_REGISTRY });
  return { plan, manifest };
}

function expectPlanIsManifest(plan: ExportPlan, manifest: Manifest, masksNames = false): void {
  const path = masksNames ? withoutNames : (p: string) => p;
  expect(plan.counts).toEqual(manifest.counts.records);
  expect(plan.files.map((f) => ({ path: path(f.path), format: f.format, records: f.records })))
    .toEqual(manifest.files.map((f) => ({ path: path(f.path), format: f.format, records: f.records })));
  expect(Object.fromEntries(plan.formats.filter((f) => f.files > 0).map((f) => [f.format, { files: f.files, records: f.records }])))
    .toEqual(manifest.counts.formats);
  const notes = (byFormat: Manifest['leftOut']) => Object.fromEntries(Object.entries(byFormat).map(([f, records]) => [f, records!.map((r) => [r.kind, r.reason])]));
  expect(plan.skipped.map((s) => [s.kind, s.reason])).toEqual(manifest.skipped.map((s) => [s.kind, s.reason]));
  expect(notes(plan.leftOut)).toEqual(notes(manifest.leftOut));
  if (!masksNames) expect(plan.skipped).toEqual(manifest.skipped);
  if (!masksNames) expect(plan.leftOut).toEqual(manifest.leftOut);
  expect(plan.transformations).toEqual(manifest.transformations);
  // Files without samples are measured, not estimated: README.txt and the CSV tables have their exact size.
  const sizes = new Map(manifest.files.map((f) => [path(f.path), f.size]));
  for (const file of plan.files.filter((f) => f.format === 'readme' || (f.format === 'csv' && !f.path.startsWith('activities/samples/')))) {
    expect(file.estimatedContentBytes, file.path).toBe(sizes.get(path(file.path)));
  }
}

describe.each([['Dexie', () => dexie], ['memory', () => memory]] as const)('plan = manifest over the %s source', (_, source) => {
  it.each(CASES)('$name', async ({ request: req, masksNames }) => {
    const { plan, manifest } = await planAndRun(source(), req);
    expect(manifest.files.length).toBeGreaterThan(1);
    expectPlanIsManifest(plan, manifest, masksNames);
  }, 120_000);
});

describe('the plan over the demo', () => {
  it('text search: only the activities that match, nothing of kinds without text (issue 15 item 1)', async () => {
    const req = request({ text: 'morning' }, ['csv']);
    const { plan, manifest } = await planAndRun(dexie, req);
    const morning = dataset.activities().filter((a) => /morning/i.test([a.name, a.notes ?? '', a.category ?? '', ...a.tags].join(' '))).length;
    expect(morning).toBeGreaterThan(0);
    expect(plan.counts).toEqual({ activity: morning, steps: 0, weight: 0, sleep: 0, record: manifest.counts.records.record });
  }, 60_000);

  it('sample rows are the anonymised ones (issue 15 item 2)', async () => {
    const req = request({ kinds: ['activity'] }, ['csv'], { privacy: { pseudonymise: true, timeShiftDays: -10 } });
    const plain = await planExport({ ...req, options: { ...req.options, privacy: undefined } }, dexie, FORMAT_REGISTRY, { previewRows: 3 });
    const plan = await planExport(req, dexie, FORMAT_REGISTRY, { previewRows: 3 });
    const [plainTable] = plain.files.filter((f) => f.path === 'activities/activities.csv');
    const [table] = plan.files.filter((f) => f.path === 'activities/activities.csv');
    expect(table!.firstLines).toHaveLength(4);
    expect(table!.firstLines![0]).toBe(plainTable!.firstLines![0]);
    const first = dataset.activities()[0]!;
    expect(plainTable!.firstLines![1]).toContain(first.id);
    expect(table!.firstLines![1]).not.toContain(first.id);
    expect(table!.firstLines![1]).not.toContain(first.name);
    expect(table!.firstLines![1]).not.toContain(new Date(first.startTimeMs).toISOString().slice(0, 10));
  }, 60_000);

  it('every format: one workbook, one report, no originals where the demo has none (issue 15 item 3)', async () => {
    const plan = await planExport(request({}, ['fit', 'tcx', 'gpx', 'original', 'csv', 'json', 'xml', 'xlsx', 'pdf']), dexie, FORMAT_REGISTRY);
    const files = Object.fromEntries(plan.formats.map((f) => [f.format, f.files]));
    expect(files).toMatchObject({ xlsx: 1, pdf: 1, original: 0, json: 5, xml: 5 });
  }, 60_000);
});

describe('an imported set with a pool swim (no GPS)', () => {
  it('GPX plans and writes one file fewer than FIT, and says why', async () => {
    const req = request({ kinds: ['activity'] }, ['fit', 'gpx', 'original', 'csv']);
    const { plan, manifest } = await planAndRun(imported, req);
    expectPlanIsManifest(plan, manifest);
    const files = Object.fromEntries(plan.formats.map((f) => [f.format, f.files]));
    expect(files).toMatchObject({ fit: 4, gpx: 3, original: 4 });
    expect(plan.skipped).toEqual([]);
    expect(plan.leftOut.gpx).toEqual([expect.objectContaining({ kind: 'activity', reason: expect.stringMatching(/no GPS/) })]);
  }, 120_000);
});
