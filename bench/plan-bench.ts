// How long the wizard's preview takes: the engine's plan (filter, anonymisation, every encoder's entries over the
// records without their samples), over the year demo in Dexie (fake-indexeddb) and over 100k activities in memory.
// `node --import tsx bench/plan-bench.ts` prints one JSON line; bench/run.ts puts it in BENCHMARKS.md.

import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { createDemoDataset, DEMO_YEAR_OPTIONS, type DemoOptions } from '../src/demo/index.ts';
import { planExport } from '../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../src/formats/registry.ts';
import { MemoryRecordSource } from '../src/model/memory-source.ts';
import type { RecordKind, TakeawayRecord } from '../src/model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type FormatId } from '../src/model/request.ts';
import type { RecordSource } from '../src/model/source.ts';
import { TakeawayDb } from '../src/store/db.ts';
import { DexieRecordSource } from '../src/store/dexie-record-source.ts';
import { loadDemoData } from '../src/workers/demo-loader.ts';

const KINDS: RecordKind[] = ['activity', 'steps', 'weight', 'sleep', 'record'];
const WIZARD_DEFAULT: FormatId[] = ['fit', 'gpx', 'csv'];
const EVERY_FORMAT: FormatId[] = ['fit', 'tcx', 'gpx', 'original', 'csv', 'json', 'xml', 'xlsx', 'pdf'];

export interface PlanTiming {
  set: string;
  records: number;
  formats: string;
  files: number;
  ms: number;
  cpuMs: number;
}

function request(formats: FormatId[], extra: Partial<ExportRequest['filter']> = {}): ExportRequest {
  return {
    createdAtMs: Date.UTC(2026, 10, 24),
    filter: { kinds: KINDS, ...extra },
    formats: Object.fromEntries(KINDS.map((kind) => [kind, formats.filter((f) => FORMAT_REGISTRY[f]!.kinds.includes(kind))])),
    options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
  };
}

async function time(set: string, records: number, source: RecordSource, formats: FormatId[], label: string): Promise<PlanTiming> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const plan = await planExport(request(formats), source, FORMAT_REGISTRY, { previewRows: 3 });
  const used = process.cpuUsage(cpu);
  return { set, records, formats: label, files: plan.files.length, ms: Math.round(performance.now() - start), cpuMs: Math.round((used.user + used.system) / 1000) };
}

export async function runPlanBench(bigActivities = 100_000): Promise<PlanTiming[]> {
  const results: PlanTiming[] = [];
  const db = new TakeawayDb(`plan-bench-${Date.now()}`, { indexedDB, IDBKeyRange });
  await loadDemoData(db, DEMO_YEAR_OPTIONS);
  const year = new DexieRecordSource(db);
  const yearRecords = (await Promise.all(KINDS.map((kind) => year.count(kind, { kinds: KINDS })))).reduce((a, b) => a + b, 0);
  results.push(await time('year demo, Dexie', yearRecords, year, WIZARD_DEFAULT, 'FIT + GPX + CSV'));
  results.push(await time('year demo, Dexie', yearRecords, year, EVERY_FORMAT, 'every format'));
  await db.delete();

  // Up to a few activities a day: 100k activities take about 30 years of days.
  const options: DemoOptions = { ...DEMO_YEAR_OPTIONS, days: Math.ceil(bigActivities / 3), activityCount: bigActivities, samplesPerActivity: 10, includeHealth: false, genericCount: 0 };
  const dataset = createDemoDataset(options);
  const records: TakeawayRecord[] = dataset.activities();
  const big = new MemoryRecordSource(records, (activity) => dataset.track(activity));
  results.push(await time(`${bigActivities.toLocaleString('en-US')} activities, memory`, records.length, big, WIZARD_DEFAULT, 'FIT + GPX + CSV'));
  results.push(await time(`${bigActivities.toLocaleString('en-US')} activities, memory`, records.length, big, ['csv', 'json', 'xlsx'], 'CSV + JSON + XLSX'));
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runPlanBench(Number(process.argv[2] ?? 100_000))));
}
