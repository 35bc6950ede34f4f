import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecordSource } from '../../model/memory-source.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions, type RecordFilter } from '../../model/request.ts';
import { encodeAll, fixtureTrack, fixtureYear, UNICODE_NAMES } from '../pdf/report-fixtures.ts';
import { xlsxFormat, XLSX_ENTRY_PATH } from './encode.ts';
import { columnName, dateSerial } from './parts.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const validator = path.resolve(repoRoot, '../shared/validators/validate-xlsx.py');
const python = '/usr/bin/python3';
const allKinds: RecordFilter = { kinds: ['activity', 'steps', 'weight', 'sleep', 'record'] };

interface Inspection {
  sheets: string[];
  detail: Record<string, { maxRow: number; dataRows: number; header: string[]; freeze: string | null; types: string[][]; widths: Record<string, number> }>;
  summary: { label: string; formula: string; cached: number | string }[];
}

function writeTemp(name: string, bytes: Uint8Array): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'takeaway-xlsx-')), name);
  writeFileSync(file, bytes);
  return file;
}

function inspect(file: string): Inspection {
  return JSON.parse(execFileSync(python, [path.join(here, 'fixtures/inspect-workbook.py'), file], { encoding: 'utf8' })) as Inspection;
}

describe('xlsx workbook of a year of data', { tags: ['tools'] }, () => {
  const records = fixtureYear();
  let file = '';
  let inspection: Inspection;
  let recordCounts: Partial<Record<string, number>> = {};

  beforeAll(async () => {
    const { files } = await encodeAll(xlsxFormat, new MemoryRecordSource(records, fixtureTrack), allKinds);
    expect(files.map((f) => f.path)).toEqual([XLSX_ENTRY_PATH]);
    file = writeTemp('takeaway.xlsx', files[0]!.bytes);
    recordCounts = files[0]!.recordCounts;
    inspection = inspect(file);
  }, 60_000);

  it('passes the shared xlsx validator', () => {
    const result = spawnSync(python, [validator, file], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('PASS');
    expect(result.status).toBe(0);
  });

  it('has a Summary sheet first, then one sheet per kind and per generic record type', () => {
    expect(inspection.sheets).toEqual(['Summary', 'Activities', 'Laps', 'Steps', 'Weight', 'Sleep', 'time_entry']);
  });

  it('writes one row per record under a frozen header row', () => {
    const count = (kind: string) => records.filter((r) => r.kind === kind).length;
    expect(inspection.detail.Activities!.dataRows).toBe(count('activity'));
    expect(inspection.detail.Laps!.dataRows).toBe(count('activity') * 2);
    expect(inspection.detail.Steps!.dataRows).toBe(count('steps'));
    expect(inspection.detail.Weight!.dataRows).toBe(count('weight'));
    expect(inspection.detail.Sleep!.dataRows).toBe(count('sleep'));
    expect(inspection.detail.time_entry!.dataRows).toBe(count('record'));
    for (const sheet of Object.values(inspection.detail)) expect(sheet.freeze).toBe('A2');
    expect(recordCounts).toEqual({ activity: count('activity'), steps: count('steps'), weight: count('weight'), sleep: count('sleep'), record: count('record') });
  });

  it('types cells: dates as datetimes, figures as numbers, names as text', () => {
    const activityTypes = inspection.detail.Activities!.types[0]!;
    expect(activityTypes[0]).toBe('datetime');
    expect(activityTypes[1]).toBe('str');
    expect(activityTypes[3]).toBe('str');
    expect(activityTypes[4]).toBe('timedelta'); // [h]:mm:ss duration
    expect(activityTypes[5]).toBe('float');
    expect(activityTypes[7]).toBe('int');
    expect(inspection.detail.Steps!.types[0]).toEqual(['datetime', 'int']);
    expect(inspection.detail.Weight!.types[0]).toEqual(['datetime', 'float', 'float']);
    const generic = inspection.detail.time_entry!;
    expect(generic.header).toEqual(['Time', 'Title', 'Category', 'Tags', 'billable', 'client', 'due', 'hours']);
    expect(generic.types[0]).toEqual(['datetime', 'str', 'NoneType', 'NoneType', 'bool', 'str', 'datetime', 'float']);
  });

  it('sets column widths for every data column', () => {
    expect(Object.keys(inspection.detail.Activities!.widths)).toContain('D');
    expect(inspection.detail.Activities!.widths.D).toBe(32);
  });

  it('writes live Summary formulas with the totals the engine computed as cached values', () => {
    const activities = records.filter((r) => r.kind === 'activity');
    const distanceKm = activities.reduce((sum, a) => sum + (a.totals.distanceM ?? 0) / 1000, 0);
    const byLabel = new Map(inspection.summary.map((line) => [line.label, line]));
    const rows = activities.length + 1;
    expect(byLabel.get('Activities')).toEqual({ label: 'Activities', formula: `=COUNT('Activities'!A2:A${rows})`, cached: activities.length });
    expect(byLabel.get('Total distance (km)')!.formula).toBe(`=SUM('Activities'!F2:F${rows})`);
    expect(byLabel.get('Total distance (km)')!.cached as number).toBeCloseTo(distanceKm, 6);
    expect(byLabel.get('Distance: running (km)')!.formula).toBe(`=SUMIF('Activities'!B2:B${rows},"running",'Activities'!F2:F${rows})`);
    const steps = records.filter((r) => r.kind === 'steps');
    expect(byLabel.get('Total steps')!.cached).toBe(steps.reduce((s, r) => s + r.stepCount, 0));
    expect(byLabel.get('Average steps per day')!.formula).toBe(`=AVERAGE('Steps'!B2:B${steps.length + 1})`);
    expect(byLabel.get('time_entry: total hours')!.formula).toMatch(/^=SUM\('time_entry'!H2:H\d+\)$/);
  });

  it('gets the same Summary totals when LibreOffice recomputes the formulas', (context) => {
    if (spawnSync('which', ['soffice']).status !== 0) {
      context.skip('soffice is absent: install Debian package libreoffice-calc-nogui to run this check');
      return;
    }
    const result = execFileSync(python, [path.join(here, 'fixtures/recalc-summary.py'), file, path.join(path.dirname(file), 'lo')], { encoding: 'utf8', timeout: 200_000 });
    const recomputed = JSON.parse(result) as { label: string; value: string }[];
    expect(recomputed.map((r) => r.label)).toEqual(inspection.summary.map((l) => l.label));
    for (const [i, line] of inspection.summary.entries()) {
      const value = Number(recomputed[i]!.value);
      expect(value, line.label).toBeCloseTo(line.cached as number, 6);
    }
  }, 240_000);
});

describe('xlsx edge cases', () => {
  it('writes a valid workbook with empty sheets and count-only Summary lines when nothing matches', { tags: ['tools'] }, async () => {
    const { files } = await encodeAll(xlsxFormat, new MemoryRecordSource([]), allKinds);
    const file = writeTemp('empty.xlsx', files[0]!.bytes);
    expect(spawnSync(python, [validator, file]).status).toBe(0);
    const inspection = inspect(file);
    expect(inspection.sheets).toEqual(['Summary', 'Activities', 'Laps', 'Steps', 'Weight', 'Sleep']);
    expect(inspection.summary.find((l) => l.label === 'Activities')).toEqual({ label: 'Activities', formula: "=COUNT('Activities'!A2:A2)", cached: 0 });
    expect(inspection.summary.some((l) => l.label.startsWith('Average'))).toBe(false);
  });

  it('keeps Unicode names as text and neutral sheet names for odd record types', { tags: ['tools'] }, async () => {
    const records = fixtureYear().filter((r) => r.kind === 'activity').slice(0, UNICODE_NAMES.length);
    const odd = { kind: 'record' as const, id: 'r1', updatedAtMs: 0, recordType: 'a/b:c*d?[e]', timestampMs: Date.UTC(2025, 0, 1), utcOffsetMin: 0, title: ' padded ', tags: [], fields: { n: 1 } };
    const { files } = await encodeAll(xlsxFormat, new MemoryRecordSource([...records, odd]), { kinds: ['activity', 'record'] });
    const inspection = inspect(writeTemp('names.xlsx', files[0]!.bytes));
    expect(inspection.sheets).toEqual(['Summary', 'Activities', 'Laps', 'a_b_c_d__e_']);
    const names = JSON.parse(execFileSync(python, ['-c', `import openpyxl,json,sys; ws=openpyxl.load_workbook(sys.argv[1])['Activities']; print(json.dumps([r[3] for r in ws.iter_rows(min_row=2, values_only=True)]))`, writeTemp('n.xlsx', files[0]!.bytes)], { encoding: 'utf8' })) as string[];
    expect(names).toEqual(UNICODE_NAMES);
  });

  it('gives identical bytes for the same records read in batches of one or of many', async () => {
    const records = fixtureYear().slice(0, 300);
    const source = new MemoryRecordSource(records);
    const oneByOne = { ...source, records: <K extends Parameters<typeof source.records>[0]>(kind: K, filter: RecordFilter) => source.records(kind, filter, 1), track: source.track.bind(source), count: source.count.bind(source) };
    const a = await encodeAll(xlsxFormat, source, allKinds);
    const b = await encodeAll(xlsxFormat, oneByOne, allKinds);
    expect(Buffer.from(b.files[0]!.bytes).equals(Buffer.from(a.files[0]!.bytes))).toBe(true);
  });

  it('turns instants into local date serials and indexes columns like a spreadsheet', () => {
    expect(dateSerial(Date.UTC(1970, 0, 1))).toBe(25569);
    expect(dateSerial(Date.UTC(2025, 0, 1, 23, 0), 60)).toBe(45659);
    expect([0, 25, 26, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
});

describe('xlsx time style and units', { tags: ['tools'] }, () => {
  const options: ExportOptions = { ...DEFAULT_EXPORT_OPTIONS, timeStyle: 'utc', units: 'imperial' };
  const records = fixtureYear().filter((r) => r.kind === 'activity' || r.kind === 'weight' || r.kind === 'sleep').slice(0, 60);
  const filter: RecordFilter = { kinds: ['activity', 'weight', 'sleep'] };
  // openpyxl reads each sheet's header, first data row and the first row's number formats; datetimes come back naive.
  const readBack = `import openpyxl, json, sys
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for name in ['Activities', 'Laps', 'Weight', 'Sleep']:
    ws = wb[name]
    out[name] = {'header': [c.value for c in ws[1]], 'row': [c.value.isoformat() if hasattr(c.value, 'isoformat') else c.value for c in ws[2]], 'formats': [c.number_format for c in ws[2]]}
out['summary'] = [r[0] for r in wb['Summary'].iter_rows(min_row=2, values_only=True)]
print(json.dumps(out, default=str))`;
  type ReadBack = Record<'Activities' | 'Laps' | 'Weight' | 'Sleep', { header: string[]; row: (string | number | null)[]; formats: string[] }> & { summary: string[] };
  let imperial: ReadBack;
  let metric: ReadBack;
  let file = '';

  beforeAll(async () => {
    const read = async (opts: ExportOptions, name: string) => {
      const { files } = await encodeAll(xlsxFormat, new MemoryRecordSource(records), filter, opts);
      const written = writeTemp(name, files[0]!.bytes);
      return { file: written, data: JSON.parse(execFileSync(python, ['-c', readBack, written], { encoding: 'utf8' })) as ReadBack };
    };
    const imperialRead = await read(options, 'imperial.xlsx');
    file = imperialRead.file;
    imperial = imperialRead.data;
    metric = (await read(DEFAULT_EXPORT_OPTIONS, 'metric.xlsx')).data;
  }, 60_000);

  it('passes the shared xlsx validator with UTC time cells', () => {
    const result = spawnSync(python, [validator, file], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('PASS');
  });

  it('titles converted columns with their imperial unit and times with (UTC)', () => {
    expect(imperial.Activities.header.slice(0, 12)).toEqual([
      'Start (UTC)', 'Sport', 'Sub-sport', 'Name', 'Moving time', 'Distance (mi)', 'Elapsed time', 'Ascent (ft)', 'Descent (ft)',
      'Avg HR (bpm)', 'Max HR (bpm)', 'Avg speed (mph)']);
    expect(imperial.Laps.header).toContain('Lap start (UTC)');
    expect(imperial.Weight.header).toEqual(['Time (UTC)', 'Weight (lb)', 'Body fat (%)']);
    expect(imperial.Sleep.header.slice(0, 2)).toEqual(['Start (UTC)', 'End (UTC)']);
    expect(imperial.summary).toEqual(expect.arrayContaining(['Total distance (mi)', 'Total ascent (ft)', 'Average weight (lb)']));
    expect(metric.Activities.header[5]).toBe('Distance (km)');
  });

  it('writes exactly converted values and UTC times shown with a Z', () => {
    const first = records.find((r) => r.kind === 'activity')!;
    const a = imperial.Activities.row;
    const m = metric.Activities.row;
    expect(a[19]).toBe(first.id);
    expect(a[0]).toBe(new Date(first.startTimeMs).toISOString().slice(0, 19));
    expect(imperial.Activities.formats[0]).toBe('yyyy-mm-dd hh:mm"Z"');
    expect((a[5] as number) * 1.609344).toBeCloseTo(m[5] as number, 9);
    expect((a[7] as number) * 0.3048).toBeCloseTo(m[7] as number, 9);
    expect((a[11] as number) * 1.609344).toBeCloseTo(m[11] as number, 9);
    expect((imperial.Weight.row[1] as number) * 0.45359237).toBeCloseTo(metric.Weight.row[1] as number, 9);
    expect(imperial.Weight.row[2]).toBe(metric.Weight.row[2]);
    // The fixture records are at UTC+01:00: the local cell is an hour ahead of the UTC one.
    expect(Date.parse(`${metric.Weight.row[0]}Z`) - Date.parse(`${imperial.Weight.row[0]}Z`)).toBe(3_600_000);
  });
});
