import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecordSource } from '../../model/memory-source.ts';
import type { Activity, TakeawayRecord } from '../../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions, type PdfOptions, type RecordFilter } from '../../model/request.ts';
import { accumulateZones, type HeartRateZones } from './aggregate.ts';
import { createPdfFormat, PDF_ENTRY_PATH } from './encode.ts';
import {
  encodeAll, fixtureActivity, fixtureTrack, fixtureYear, FIXTURE_YEAR_END_MS, FIXTURE_YEAR_START_MS, UNICODE_NAMES,
} from './report-fixtures.ts';
import { formatDecimal, formatInteger } from './values.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const validator = path.resolve(repoRoot, '../shared/validators/validate-pdf.sh');
const fontFile = path.join(repoRoot, 'public/fonts/takeaway-report-sans.ttf');
const pdfFormat = createPdfFormat({ loadFont: async () => new Uint8Array(readFileSync(fontFile)) });
const year2025: RecordFilter = { kinds: ['activity', 'steps', 'weight', 'sleep'], range: { fromMs: FIXTURE_YEAR_START_MS, toMs: FIXTURE_YEAR_END_MS } };

function withPdf(pdf: Partial<PdfOptions>): ExportOptions {
  return { ...DEFAULT_EXPORT_OPTIONS, pdf: { template: 'year-in-review', activityPages: false, ...pdf } };
}

async function report(records: TakeawayRecord[], filter: RecordFilter, options: ExportOptions = DEFAULT_EXPORT_OPTIONS) {
  const { files } = await encodeAll(pdfFormat, new MemoryRecordSource(records, fixtureTrack), filter, options);
  expect(files.map((f) => f.path)).toEqual([PDF_ENTRY_PATH]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'takeaway-pdf-')), 'report.pdf');
  writeFileSync(file, files[0]!.bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { file, bytes: files[0]!.bytes, text, recordCounts: files[0]!.recordCounts };
}

function validate(file: string): string {
  const result = spawnSync(validator, [file], { encoding: 'utf8' });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result.stdout;
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
}

describe('pdf year-in-review report', { tags: ['tools'] }, () => {
  const records = fixtureYear().filter((r) => r.kind !== 'record');
  let result: Awaited<ReturnType<typeof report>>;

  beforeAll(async () => {
    result = await report(records, year2025);
  }, 60_000);

  it('passes the shared PDF validator (qpdf --check clean, fonts embedded)', () => {
    const out = validate(result.file);
    expect(out).toContain('not-embedded=0');
  });

  it('has the cover, contents and every section heading', () => {
    for (const heading of ['Year in review', '1 January 2025 – 31 December 2025', 'Contents', 'Charts', 'Distance per sport', 'Moving time per sport',
      'Heart-rate zones', 'Daily steps', 'Weight and body fat', 'Sleep duration and stages', 'Activities by month', 'January 2025', 'December 2025']) {
      expect(result.text).toContain(heading);
    }
    expect(result.text).not.toContain('No data for this chart');
  });

  it('prints the headline totals the records add up to', () => {
    const activities = records.filter((r): r is Activity => r.kind === 'activity' && r.startTimeMs >= FIXTURE_YEAR_START_MS);
    const distanceKm = activities.reduce((s, a) => s + (a.totals.distanceM ?? 0), 0) / 1000;
    const hours = activities.reduce((s, a) => s + a.totals.timerS, 0) / 3600;
    const ascent = activities.reduce((s, a) => s + (a.totals.ascentM ?? 0), 0);
    const steps = records.filter((r) => r.kind === 'steps').map((r) => r.stepCount);
    expect(result.text).toMatch(new RegExp(`Activities\\s+Distance\\s+Moving time\\s+Elevation gain\\s+${activities.length}\\s+${formatDecimal(distanceKm, 1)} km\\s+${formatDecimal(hours, 1)} h\\s+${formatInteger(ascent)} m`));
    expect(result.text).toContain(formatInteger(steps.reduce((s, v) => s + v, 0) / steps.length));
    const running = activities.filter((a) => a.sport === 'running');
    expect(result.text).toMatch(new RegExp(`Running\\s+${running.length}\\s+${formatDecimal(running.reduce((s, a) => s + a.totals.distanceM!, 0) / 1000, 1)}`));
    expect(result.recordCounts.activity).toBe(activities.length);
  });

  it('renders Cyrillic, Greek, accented Latin and CJK names as text, not boxes', () => {
    for (const name of UNICODE_NAMES) expect(result.text).toContain(name);
  });

  it('prints pace for runs and speed for rides in the monthly tables', () => {
    expect(result.text).toMatch(/2025-01-01 07:00\s+Running\s+Утренний бег\s+1:07:37\s+10\.96\s+6:10 \/km\s+143\s+392/);
    expect(result.text).toMatch(/Cycling\s+Πρωινό τρέξιμο\s+\S+\s+[\d.]+\s+[\d.]+ km\/h/);
  });

  it('numbers the pages and links the contents to the sections', () => {
    const pages = pageCount(result.file);
    expect(result.text).toContain(`Page 1 of ${pages}`);
    expect(result.text).toContain(`Page ${pages} of ${pages}`);
    const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', result.file, '-'], { maxBuffer: 64 << 20 }).toString('latin1');
    expect((qdf.match(/\/Subtype \/Link/g) ?? []).length).toBeGreaterThanOrEqual(20);
    expect(qdf).toContain('/Outlines');
  });

  it('writes the document metadata with the export time as creation date', () => {
    const info = execFileSync('pdfinfo', ['-isodates', result.file], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Takeaway Year in review: 1 January 2025 – 31 December 2025/);
    expect(info).toMatch(/Author:\s+Takeaway/);
    expect(info).toMatch(/Creator:\s+Takeaway/);
    expect(info).toMatch(/Subject:\s+Year in review of activities and health data/);
    expect(info).toMatch(/CreationDate:\s+2026-01-01T00:00:00(Z|\+00)/);
  });

  it('gives the same bytes for the same records and options', async () => {
    const again = await report(records, year2025);
    expect(Buffer.from(again.bytes).equals(Buffer.from(result.bytes))).toBe(true);
  }, 60_000);
});

describe('pdf charts without data', { tags: ['tools'] }, () => {
  it('shows a "No data for this chart" panel for every chart when nothing matches', async () => {
    const { file, text } = await report([], year2025);
    validate(file);
    expect(text.match(/No data for this chart/g)?.length).toBe(6);
    expect(text).toContain('There are no activities in this period.');
    expect(text).toContain('No activities in this period.');
  });

  it('treats a single weigh-in as not enough for a trend line', async () => {
    const weight: TakeawayRecord = { kind: 'weight', id: 'w1', updatedAtMs: 0, timestampMs: Date.UTC(2025, 5, 1, 7), utcOffsetMin: 0, weightKg: 70 };
    const { file, text } = await report([weight], year2025);
    validate(file);
    expect(text).toContain('A trend needs at least two weigh-ins; this period has one.');
  });

  it('explains missing heart-rate zones when activities carry no heart rate', async () => {
    const activity = { ...fixtureActivity(7, Date.UTC(2025, 2, 3, 7)), channels: ['lat', 'lon'] as Activity['channels'] };
    const { file, text } = await report([activity], year2025);
    validate(file);
    expect(text).toContain('No heart-rate samples were recorded in this period.');
    expect(text).toContain('Distance per sport');
  });
});

describe('pdf templates and options', { tags: ['tools'] }, () => {
  const march = fixtureYear().filter((r) => r.kind !== 'record');
  /** 1-based page of the first page after the contents that contains `heading`. */
  const pageOf = (text: string, heading: string) => text.split('\f').findIndex((page, i) => i >= 2 && page.includes(heading)) + 1;
  const marchFilter: RecordFilter = { ...year2025, range: { fromMs: Date.UTC(2025, 2, 1), toMs: Date.UTC(2025, 2, 15) } };

  it('health template has health charts and no activity tables', async () => {
    const { file, text } = await report(march, marchFilter, withPdf({ template: 'health' }));
    validate(file);
    expect(text).toContain('Health report');
    expect(text).toContain('Daily steps');
    expect(text).toContain('Sleep duration and stages');
    expect(text).not.toContain('Activities by month');
    expect(text).not.toContain('Heart-rate zones');
  });

  it('monthly template puts the activity table before the charts', async () => {
    const { text } = await report(march, marchFilter, withPdf({ template: 'monthly' }));
    expect(pageOf(text, 'Activities by month')).toBe(3);
    expect(pageOf(text, 'Distance per sport')).toBeGreaterThan(3);
    expect(text).toContain('Monthly report');
  });

  it('adds a page per activity with its route and profiles when asked', async () => {
    const without = await report(march, marchFilter, withPdf({ template: 'monthly' }));
    const withPages = await report(march, marchFilter, withPdf({ template: 'monthly', activityPages: true }));
    validate(withPages.file);
    const count = march.filter((r) => r.kind === 'activity' && r.startTimeMs >= Date.UTC(2025, 2, 1) && r.startTimeMs < Date.UTC(2025, 2, 15)).length;
    expect(pageCount(withPages.file) - pageCount(without.file)).toBe(count);
    expect(withPages.text).toContain('Activity pages');
    expect(withPages.text.match(/Heart rate\n/g)?.length).toBeGreaterThanOrEqual(count);
  }, 60_000);

  it('fails with the loader error when the font cannot be loaded', async () => {
    const broken = createPdfFormat({ loadFont: () => Promise.reject(new Error('font missing')) });
    await expect(encodeAll(broken, new MemoryRecordSource([]), year2025)).rejects.toThrow('font missing');
  });
});

describe('heart-rate zone accumulation', () => {
  it('adds sample gaps to the zone of the heart rate, skipping pauses and missing values', () => {
    const zones: HeartRateZones = { maxHeartRateBpm: 200, secondsPerZone: [0, 0, 0, 0, 0] };
    const timeMs = Float64Array.from([0, 1000, 2000, 3000, 63_000, 64_000, 65_000]);
    const heartRateBpm = Float32Array.from([100, 110, 150, 170, 185, Number.NaN, 195]);
    const last = accumulateZones({ activityId: 'a', seq: 0, startIndex: 0, count: 7, timeMs, heartRateBpm }, zones, Number.NaN);
    expect(last).toBe(65_000);
    // 110 → zone 1, 150 → zone 3, 170 → zone 4, 185 after a 60 s pause → none, NaN → none, 195 → zone 5.
    expect(zones.secondsPerZone).toEqual([1, 0, 1, 1, 1]);
  });
});

describe('pdf report in imperial units and UTC', { tags: ['tools'] }, () => {
  const records = fixtureYear().filter((r) => r.kind !== 'record' && r.kind !== 'sleep').slice(0, 80);
  const options: ExportOptions = { ...withPdf({ template: 'monthly', activityPages: false }), units: 'imperial', timeStyle: 'utc' };
  let result: Awaited<ReturnType<typeof report>>;
  let metric: Awaited<ReturnType<typeof report>>;

  beforeAll(async () => {
    result = await report(records, year2025, options);
    metric = await report(records, year2025, withPdf({ template: 'monthly', activityPages: false }));
  }, 60_000);

  it('passes the shared PDF validator', () => {
    validate(result.file);
  });

  it('prints distances in miles, ascent in feet, weight in pounds and pace per mile', () => {
    expect(result.text).toContain('Distance (mi)');
    expect(result.text).toContain('Ascent (ft)');
    expect(result.text).toMatch(/Average weight\s[\s\S]*?\d+\.\d lb/);
    expect(result.text).toMatch(/\d+:\d\d \/mi|\d+\.\d mph/);
    expect(result.text).not.toContain('Distance (km)');
    expect(result.text).not.toMatch(/ \/km| km\/h/);
    expect(metric.text).toContain('Distance (km)');
  });

  it('prints the cover distance as the metric total divided by 1609.344', () => {
    const activities = records.filter((r): r is Activity => r.kind === 'activity');
    const totalM = activities.reduce((s, a) => s + (a.totals.distanceM ?? 0), 0);
    expect(result.text).toContain(`${formatDecimal(totalM / 1609.344, 1)} mi`);
    expect(metric.text).toContain(`${formatDecimal(totalM / 1000, 1)} km`);
  });

  it('prints activity times in UTC, marked with Z', () => {
    const first = records.find((r): r is Activity => r.kind === 'activity')!;
    const iso = new Date(first.startTimeMs).toISOString();
    expect(result.text).toContain('Date (UTC)');
    expect(result.text).toContain(`${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`);
  });
});
