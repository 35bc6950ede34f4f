import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { formatIsoLocal, formatIsoUtc } from '../time-format.ts';
import { TEXT_PIECE_BYTES } from '../text-writer.ts';
import { csvFormat } from './encode.ts';
import {
  CREATED_AT_MS, NASTY_TEXTS, TestSource, activityFixture, collectEntries, genericFixture, sleepFixture, stepsFixture,
  trackFixture, weightFixture,
} from './fixtures/records.ts';
import { numberCell, textCell } from './parts.ts';
import { benchCsv } from './bench.ts';

const START = Date.UTC(2025, 2, 1, 6, 12, 0);

function fullSource(sizes: { batchSize?: number; chunkSize?: number } = {}) {
  const records = [
    activityFixture('a1', START),
    activityFixture('a2', START + 86_400_000, { name: '=cmd|" /C calc"!A0', tags: ['x,y', 'z'], notes: 'line\nbreak', device: undefined }),
    stepsFixture('2025-03-01', 10_234),
    stepsFixture('2025-03-02', 0),
    weightFixture('w1', START, 72.35, 18.2),
    weightFixture('w2', START + 86_400_000, 0.1 + 72.2),
    sleepFixture('s1', START - 8 * 3_600_000),
    genericFixture('r1', 'time_entry', START, 'Write report', { hours: 1.5, billable: true, client: 'ACME, Inc.' }),
    genericFixture('r2', 'time_entry', START + 1000, '-minus title', { hours: 0.1 + 0.2, due: { date: '2025-03-05' }, note: null }),
    genericFixture('r3', 'transaction', START, 'Coffee', { amount: -3.2, currency: 'EUR' }),
  ];
  const tracks = new Map([['a1', trackFixture(START)], ['a2', trackFixture(START + 86_400_000, 5000)]]);
  return new TestSource(records, tracks, sizes);
}

const ALL_KINDS = ['activity', 'steps', 'weight', 'sleep', 'record'] as const;

function headerOf(text: string): string {
  return text.slice(0, text.indexOf('\r\n'));
}

describe('csv cells', () => {
  it('quotes text cells exactly as papaparse.unparse does', () => {
    for (const text of NASTY_TEXTS) {
      expect(textCell(text, false), JSON.stringify(text)).toBe(Papa.unparse([[text]], { newline: '\r\n' }));
    }
  });

  it('neutralises formulas exactly as papaparse escapeFormulae does on single-line cells', () => {
    for (const text of NASTY_TEXTS.filter((t) => !t.includes('\n'))) {
      expect(textCell(text, true), JSON.stringify(text)).toBe(Papa.unparse([[text]], { escapeFormulae: true }));
    }
  });

  it('neutralises multi-line formulas that papaparse escapeFormulae lets through', () => {
    expect(textCell('=multi\nline', true)).toBe(`"'=multi\nline"`);
  });

  it('writes numbers without float noise, exponent or negative zero', () => {
    expect(numberCell(0.1 + 0.2)).toBe('0.3');
    expect(numberCell(52.51627461234, 7)).toBe('52.5162746');
    expect(numberCell(1e-7, 7)).toBe('0.0000001');
    expect(numberCell(-0)).toBe('0');
    expect(numberCell(-0.0001)).toBe('0');
    expect(numberCell(1e21, 0)).toBe('1000000000000000000000');
    expect(numberCell(-3.2)).toBe('-3.2');
    expect(numberCell(Number.NaN)).toBe('');
    expect(numberCell(undefined)).toBe('');
    expect(numberCell(Math.fround(0.1))).toBe('0.1');
  });
});

describe('csvFormat', () => {
  it('writes the exact header row of every table', async () => {
    const { files } = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true });
    expect([...files.keys()]).toEqual([
      'activities/activities.csv',
      'activities/samples/2025-03-01_0712_morning-run.csv',
      'activities/samples/2025-03-02_0712_cmd-c-calc-a0.csv',
      'health/steps.csv', 'health/weight.csv', 'health/sleep.csv',
      'records/time_entry.csv', 'records/transaction.csv',
    ]);
    expect(headerOf(files.get('activities/activities.csv')!)).toBe(
      'id,name,sport,sub_sport,start_time,start_time_utc,time_zone,elapsed_s,timer_s,distance_m,calories,ascent_m,descent_m,'
      + 'avg_heart_rate_bpm,max_heart_rate_bpm,avg_cadence_rpm,max_cadence_rpm,avg_power_w,max_power_w,avg_speed_mps,max_speed_mps,'
      + 'device,category,tags,sample_count,notes');
    expect(headerOf(files.get('activities/samples/2025-03-01_0712_morning-run.csv')!)).toBe(
      'time,time_utc,lat,lon,altitude_m,heart_rate_bpm,cadence_rpm,power_w,speed_mps,distance_m,temperature_c');
    expect(headerOf(files.get('health/steps.csv')!)).toBe('date,step_count');
    expect(headerOf(files.get('health/weight.csv')!)).toBe('timestamp,weight_kg,body_fat_percentage,timestamp_utc');
    expect(headerOf(files.get('health/sleep.csv')!)).toBe(
      'start_time,end_time,duration_asleep_seconds,deep_seconds,light_seconds,rem_seconds,awake_seconds,score,start_time_utc,end_time_utc');
    expect(headerOf(files.get('records/time_entry.csv')!)).toBe('id,timestamp,timestamp_utc,title,category,tags,billable,client,due,hours,note');
    expect(headerOf(files.get('records/transaction.csv')!)).toBe('id,timestamp,timestamp_utc,title,category,tags,amount,currency');
  });

  it('writes whole tables byte for byte like papaparse.unparse of the same cells', async () => {
    const records = NASTY_TEXTS.map((text, i) => genericFixture(`r${i}`, 'nasty', START + i * 1000, text, { text, amount: -i - 0.5 }));
    for (const formulaSafe of [false, true]) {
      const { files } = await collectEntries(csvFormat, new TestSource(records), ['record'], { formulaSafe });
      const expected = Papa.unparse({
        fields: ['id', 'timestamp', 'timestamp_utc', 'title', 'category', 'tags', 'amount', 'text'],
        data: records.map((r) => [r.id, formatIsoLocal(r.timestampMs, 0), formatIsoUtc(r.timestampMs), r.title, 'work', 'a;b', r.fields.amount, r.fields.text]),
      }, { newline: '\r\n', escapeFormulae: formulaSafe }) + '\r\n';
      // Papaparse skips its escape on multi-line cells; everything else must match exactly.
      const unsafeMultiLine = formulaSafe ? expected.replaceAll('"=multi\nline"', `"'=multi\nline"`) : expected;
      expect(files.get('records/nasty.csv')).toBe(unsafeMultiLine);
    }
  });

  it('parses back with papaparse to the same text and numbers', async () => {
    const records = NASTY_TEXTS.map((text, i) => genericFixture(`r${i}`, 'nasty', START + i * 1000, text, { amount: -i - 0.25 }));
    const { files } = await collectEntries(csvFormat, new TestSource(records), ['record'], { formulaSafe: false, bom: true });
    const text = files.get('records/nasty.csv')!;
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.map((row) => row.title)).toEqual(NASTY_TEXTS);
    expect(parsed.data.map((row) => Number(row.amount))).toEqual(records.map((r) => r.fields.amount));
    expect(parsed.data.map((row) => row.timestamp_utc)).toEqual(records.map((r) => new Date(r.timestampMs).toISOString().replace('.000Z', 'Z')));
  });

  it('neutralises formula text cells but leaves negative numbers as numbers', async () => {
    const records = [genericFixture('r1', 'money', START, '=HYPERLINK("x")', { amount: -42.5, memo: '-42.5', at: '@home' })];
    const on = (await collectEntries(csvFormat, new TestSource(records), ['record'], { formulaSafe: true })).files.get('records/money.csv')!;
    const off = (await collectEntries(csvFormat, new TestSource(records), ['record'], { formulaSafe: false })).files.get('records/money.csv')!;
    expect(on.split('\r\n')[1]).toBe(`r1,2025-03-01T06:12:00+00:00,2025-03-01T06:12:00Z,"'=HYPERLINK(""x"")",work,a;b,-42.5,"'@home","'-42.5"`);
    expect(off.split('\r\n')[1]).toBe(`r1,2025-03-01T06:12:00+00:00,2025-03-01T06:12:00Z,"=HYPERLINK(""x"")",work,a;b,-42.5,@home,-42.5`);
  });

  it('starts every file with a BOM only when asked', async () => {
    const withBom = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { bom: true, samples: true });
    const without = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { bom: false, samples: true });
    for (const text of withBom.files.values()) expect(text.charCodeAt(0)).toBe(0xfeff);
    for (const text of without.files.values()) expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('writes local times with offsets, UTC times, rounded values and empty cells for missing ones', async () => {
    const { files } = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true });
    const activities = files.get('activities/activities.csv')!.split('\r\n');
    expect(activities[1]).toBe('a1,Morning run,running,road,2025-03-01T07:12:00+01:00,2025-03-01T06:12:00Z,Europe/Berlin,1800,1750.5,'
      + '5000.123,400,0.3,12,142.333,171,84,,250,,2.857,,garmin fenix 7,training,race;pb,10,felt good');
    expect(activities[2]).toContain(`a2,"'=cmd|"" /C calc""!A0",running`);
    expect(activities[2]).toContain(',,training,"x,y;z",10,"line\nbreak"');
    const samples = files.get('activities/samples/2025-03-01_0712_morning-run.csv')!.split('\r\n');
    expect(samples[1]).toBe('2025-03-01T07:12:00+01:00,2025-03-01T06:12:00Z,52.5162746,-13.3777041,34.1,120,,,0.3,0,');
    expect(samples[4]).toBe('2025-03-01T07:12:03.250+01:00,2025-03-01T06:12:03.250Z,52.5163115,-13.3777254,34.4,123,,,3.3,8.571,');
    expect(samples[5].split(',')[5]).toBe('');
    expect(samples).toHaveLength(12);
    expect(files.get('health/weight.csv')!.split('\r\n')[2]).toBe('2025-03-02T07:12:00+01:00,72.3,,2025-03-02T06:12:00Z');
    expect(files.get('health/sleep.csv')!.split('\r\n')[1]).toBe(
      '2025-02-28T17:12:00-05:00,2025-03-01T01:12:00-05:00,27000,5400,14400,7200,1800,83,2025-02-28T22:12:00Z,2025-03-01T06:12:00Z');
    expect(files.get('records/time_entry.csv')!.split('\r\n').slice(1, 3)).toEqual([
      'r1,2025-03-01T06:12:00+00:00,2025-03-01T06:12:00Z,Write report,work,a;b,true,"ACME, Inc.",,1.5,',
      `r2,2025-03-01T06:12:01+00:00,2025-03-01T06:12:01Z,"'-minus title",work,a;b,,,2025-03-05,0.3,`,
    ]);
  });

  it('keeps non-ASCII text intact as UTF-8', async () => {
    const records = [activityFixture('a1', START, { name: 'Zürich — café ☕ 🏃', tags: ['日本'] })];
    const { files } = await collectEntries(csvFormat, new TestSource(records), ['activity']);
    const parsed = Papa.parse<Record<string, string>>(files.get('activities/activities.csv')!, { header: true, skipEmptyLines: true });
    expect(parsed.data[0].name).toBe('Zürich — café ☕ 🏃');
    expect(parsed.data[0].tags).toBe('日本');
  });

  it('splits a table per year above the row limit, and a year above it into parts', async () => {
    const dates = ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02', '2025-01-03', '2026-01-01'];
    const source = new TestSource(dates.map((d, i) => stepsFixture(d, 1000 + i)));
    const split = await collectEntries(csvFormat, source, ['steps'], { maxRowsPerFile: 2 });
    expect([...split.files.keys()]).toEqual(['health/steps-2024.csv', 'health/steps-2025.csv', 'health/steps-2025-2.csv', 'health/steps-2026.csv']);
    expect(split.files.get('health/steps-2025-2.csv')).toBe('date,step_count\r\n2025-01-03,1004\r\n');
    expect(split.entries.map((e) => e.recordCounts.steps)).toEqual([2, 2, 1, 1]);
    const whole = await collectEntries(csvFormat, source, ['steps'], { maxRowsPerFile: 6 });
    expect([...whole.files.keys()]).toEqual(['health/steps.csv']);
    expect(whole.entries[0].recordCounts).toEqual({ steps: 6 });
    expect(whole.entries[0].modifiedMs).toBe(CREATED_AT_MS);
  });

  it('writes no file for a kind without records', async () => {
    const { files } = await collectEntries(csvFormat, new TestSource([]), [...ALL_KINDS], { samples: true });
    expect(files.size).toBe(0);
  });

  it('gives the same bytes whatever the batch and chunk sizes', async () => {
    const reference = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true });
    const small = await collectEntries(csvFormat, fullSource({ batchSize: 1, chunkSize: 3 }), [...ALL_KINDS], { samples: true });
    expect(small.files).toEqual(reference.files);
    expect(reference.files.get('activities/samples/2025-03-02_0712_cmd-c-calc-a0.csv')!.split('\r\n')).toHaveLength(5002);
  });

  it('reports lost channels only when samples are off', () => {
    const options = { compressionLevel: 6, gpx: { dialect: 'plain' as const } };
    expect(csvFormat.lostChannels({ ...options, csv: { bom: false, formulaSafe: true, samples: true, maxRowsPerFile: 1 } })).toEqual([]);
    expect(csvFormat.lostChannels({ ...options, csv: { bom: false, formulaSafe: true, samples: false, maxRowsPerFile: 1 } })).toContain('heartRateBpm');
  });
});

describe('benchCsv', () => {
  it('writes the same text as papaparse.unparse for generated samples', async () => {
    const result = await benchCsv(5000);
    expect(result.isSameText).toBe(true);
    expect(result.csvBytes).toBe(result.papaChars);
    // Pieces stay bounded: a piece is handed out as soon as it passes TEXT_PIECE_BYTES, so by at most one row.
    expect(result.largestPieceBytes).toBeLessThan(TEXT_PIECE_BYTES + 1024);
  });
});

describe('csvFormat time style and units', () => {
  const imperialUtc = { timeStyle: 'utc', units: 'imperial' } as const;

  function rows(text: string): Record<string, string>[] {
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    return parsed.data;
  }

  function sourceWithTemperature() {
    const track = trackFixture(START);
    const temperatureC = track.columns.altitudeM!.map((_, i) => [-40, 0, 21.5, 100][i % 4]!);
    const activity = activityFixture('a1', START, { channels: ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'speedMps', 'distanceM', 'temperatureC'] });
    return new TestSource([activity, weightFixture('w1', START, 72.35, 18.2), sleepFixture('s1', START - 8 * 3_600_000),
      genericFixture('r1', 'time_entry', START, 'Write report', { hours: 1.5 })], new Map([['a1', { ...track, columns: { ...track.columns, temperatureC } }]]));
  }

  it('writes the same bytes for explicit local + metric as for options without them', async () => {
    const absent = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true });
    const explicit = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true }, { timeStyle: 'local', units: 'metric' });
    expect(explicit.files).toEqual(absent.files);
  });

  it('names the imperial unit in every converted column and drops the UTC copies in the UTC style', async () => {
    const { files } = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true }, imperialUtc);
    expect(headerOf(files.get('activities/activities.csv')!)).toBe(
      'id,name,sport,sub_sport,start_time,time_zone,elapsed_s,timer_s,distance_mi,calories,ascent_ft,descent_ft,'
      + 'avg_heart_rate_bpm,max_heart_rate_bpm,avg_cadence_rpm,max_cadence_rpm,avg_power_w,max_power_w,avg_speed_mph,max_speed_mph,'
      + 'device,category,tags,sample_count,notes');
    expect(headerOf(files.get('activities/samples/2025-03-01_0712_morning-run.csv')!)).toBe(
      'time,lat,lon,altitude_ft,heart_rate_bpm,cadence_rpm,power_w,speed_mph,distance_mi,temperature_f');
    expect(headerOf(files.get('health/steps.csv')!)).toBe('date,step_count');
    expect(headerOf(files.get('health/weight.csv')!)).toBe('timestamp,weight_lb,body_fat_percentage');
    expect(headerOf(files.get('health/sleep.csv')!)).toBe(
      'start_time,end_time,duration_asleep_seconds,deep_seconds,light_seconds,rem_seconds,awake_seconds,score');
    expect(headerOf(files.get('records/time_entry.csv')!)).toBe('id,timestamp,title,category,tags,billable,client,due,hours,note');
  });

  it('keeps metric column names with UTC times, and local times with imperial units', async () => {
    const utcMetric = await collectEntries(csvFormat, fullSource(), ['weight'], {}, { timeStyle: 'utc' });
    expect(utcMetric.files.get('health/weight.csv')!.split('\r\n').slice(0, 2)).toEqual(['timestamp,weight_kg,body_fat_percentage', '2025-03-01T06:12:00Z,72.35,18.2']);
    const localImperial = await collectEntries(csvFormat, fullSource(), ['weight'], {}, { units: 'imperial' });
    expect(localImperial.files.get('health/weight.csv')!.split('\r\n').slice(0, 2)).toEqual([
      'timestamp,weight_lb,body_fat_percentage,timestamp_utc', '2025-03-01T07:12:00+01:00,159.504,18.2,2025-03-01T06:12:00Z']);
  });

  it('converts values exactly (mile, foot, pound, mph, °F) and reads back to the metric record', async () => {
    const { files } = await collectEntries(csvFormat, sourceWithTemperature(), [...ALL_KINDS], { samples: true }, imperialUtc);
    const [activity] = rows(files.get('activities/activities.csv')!);
    expect(Number(activity!.distance_mi) * 1609.344).toBeCloseTo(5000.123456, 2);
    expect(activity!.distance_mi).toBe('3.106933'); // 5000.123456 / 1609.344 = 3.1069328…
    expect(Number(activity!.ascent_ft) * 0.3048).toBeCloseTo(0.3, 3);
    expect(Number(activity!.descent_ft)).toBeCloseTo(12 / 0.3048, 3);
    expect(Number(activity!.avg_speed_mph)).toBeCloseTo(2.857142857 * 3600 / 1609.344, 3);
    expect(activity!.avg_heart_rate_bpm).toBe('142.333');

    const samples = rows(files.get('activities/samples/2025-03-01_0712_morning-run.csv')!);
    expect(samples).toHaveLength(10);
    expect(samples.map((s) => s.temperature_f).slice(0, 4)).toEqual(['-40', '32', '70.7', '212']);
    expect(Number(samples[2]!.altitude_ft) * 0.3048).toBeCloseTo(Math.fround(34.1 + 0.2), 3);
    expect(Number(samples[3]!.speed_mph)).toBeCloseTo(Math.fround(0.1 + 0.2 + 3) * 3600 / 1609.344, 3);
    expect(Number(samples[9]!.distance_mi) * 1609.344).toBeCloseTo(Math.fround(9 * 2.857142857), 2);
    expect(samples[0]!.heart_rate_bpm).toBe('120');
    expect(samples[3]!.time).toBe('2025-03-01T06:12:03.250Z');

    const [weight] = rows(files.get('health/weight.csv')!);
    expect(Number(weight!.weight_lb) * 0.45359237).toBeCloseTo(72.35, 3);
  });

  it('writes every time of the UTC style in UTC ending in Z', async () => {
    const { files } = await collectEntries(csvFormat, sourceWithTemperature(), [...ALL_KINDS], { samples: true }, imperialUtc);
    const timeColumns: Record<string, string[]> = {
      'activities/activities.csv': ['start_time'],
      'activities/samples/2025-03-01_0712_morning-run.csv': ['time'],
      'health/weight.csv': ['timestamp'],
      'health/sleep.csv': ['start_time', 'end_time'],
      'records/time_entry.csv': ['timestamp'],
    };
    for (const [file, columns] of Object.entries(timeColumns)) {
      for (const row of rows(files.get(file)!)) {
        for (const column of columns) expect(row[column], `${file} ${column}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      }
    }
    expect(rows(files.get('health/sleep.csv')!)[0]).toMatchObject({ start_time: '2025-02-28T22:12:00Z', end_time: '2025-03-01T06:12:00Z' });
    expect(rows(files.get('activities/activities.csv')!)[0]!.start_time).toBe(formatIsoUtc(START));
  });

  it('gives the same imperial UTC bytes whatever the batch and chunk sizes', async () => {
    const reference = await collectEntries(csvFormat, fullSource(), [...ALL_KINDS], { samples: true }, imperialUtc);
    const small = await collectEntries(csvFormat, fullSource({ batchSize: 1, chunkSize: 3 }), [...ALL_KINDS], { samples: true }, imperialUtc);
    expect(small.files).toEqual(reference.files);
  });
});
