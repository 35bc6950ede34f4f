import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../model/request.ts';
import { type FixtureSpec, fixtureActivity, fixtureSource, fixtureTrack, sampleTimeMs, sampleValues } from '../gpx/fixtures/activities.ts';
import { encodeTcxActivity, tcxFormat } from './encode.ts';

const repoRoot = path.resolve(__dirname, '../../..');
const VALIDATE_TCX = path.resolve(repoRoot, '../shared/validators/validate-tcx.sh');
const workDir = mkdtempSync(path.join(tmpdir(), 'takeaway-tcx-'));

async function encodeToBytes(spec: FixtureSpec, chunkSize = 2048, edit?: (activity: Activity) => void): Promise<Buffer> {
  const activity = fixtureActivity(spec);
  edit?.(activity);
  const parts: Uint8Array[] = [];
  for await (const bytes of encodeTcxActivity(activity, fixtureTrack(spec, chunkSize))) parts.push(bytes);
  return Buffer.concat(parts);
}

async function encodeToFile(spec: FixtureSpec, name: string, edit?: (activity: Activity) => void): Promise<string> {
  const file = path.join(workDir, `${name}.tcx`);
  writeFileSync(file, await encodeToBytes(spec, 2048, edit));
  return file;
}

function validate(file: string): { status: number | null; output: string } {
  const run = spawnSync(VALIDATE_TCX, [file], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** Text of every node an XPath selects, read by xmllint (not our code). */
function xpathValues(file: string, expression: string): string[] {
  const run = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) return [];
  return [...run.stdout.matchAll(/<([\w:]+)[^>]*>([^<]*)<\/\1>/g)].map((match) => match[2]!);
}

function xpathString(file: string, expression: string): string {
  return execFileSync('xmllint', ['--xpath', `string(${expression})`, file], { encoding: 'utf8' }).replace(/\n$/, '');
}

interface BabelPoint { lat: number; lon: number; alt: number; hr: string; cad: string; power: string; time: string }

/** Positioned trackpoints as gpsbabel's TCX reader sees them. */
function decodeWithGpsbabel(file: string): BabelPoint[] {
  const csv = execFileSync('gpsbabel', ['-t', '-i', 'gtrnctr', '-f', file, '-o', 'unicsv', '-F', '-'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  const columns = header!.split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  return rows.map((line) => {
    const row = line.split(',');
    return {
      lat: Number(at(row, 'Latitude')), lon: Number(at(row, 'Longitude')), alt: Number(at(row, 'Altitude')),
      hr: at(row, 'Heartrate'), cad: at(row, 'Cadence'), power: at(row, 'Power'),
      time: `${at(row, 'Date').replaceAll('/', '-')}T${at(row, 'Time')}Z`,
    };
  });
}

const TP = "//*[local-name()='Trackpoint']";
const RIDE: FixtureSpec = {
  sampleCount: 600, pauseBeforeIndexes: [200, 450], lapStarts: [0, 300, 500], gapEvery: 41,
  name: 'Café & <Crêpes> "ride" Привет 東京\u0001', notes: 'Felt strong',
};

describe('TCX encoder', { tags: ['tools'] }, () => {
  it('writes a file that the TCX validators accept', async () => {
    const result = validate(await encodeToFile(RIDE, 'ride', (activity) => {
      activity.device = { manufacturer: 'Garmin', product: 'Edge 530', serialNumber: '3312345678', softwareVersion: '9.75' };
    }));
    expect(result.output).toContain('PASS');
    expect(result.status).toBe(0);
  });

  it('round-trips positions, times, heart rate, cadence and power through gpsbabel', async () => {
    const points = decodeWithGpsbabel(await encodeToFile(RIDE, 'roundtrip'));
    const expected = Array.from({ length: RIDE.sampleCount }, (_, i) => i).filter((i) => !Number.isNaN(sampleValues(RIDE, i).lat));
    expect(points).toHaveLength(expected.length);
    expected.forEach((i, k) => {
      const want = sampleValues(RIDE, i);
      const got = points[k]!;
      expect(Math.abs(got.lat - want.lat)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.lon - want.lon)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.alt - want.altitudeM)).toBeLessThanOrEqual(0.1);
      expect(got.time).toBe(new Date(sampleTimeMs(RIDE, i)).toISOString().replace('.000Z', 'Z'));
      expect(Number(got.hr)).toBe(want.heartRateBpm);
      expect(Number(got.cad)).toBe(want.cadenceRpm);
      // gpsbabel treats 0 W as "no power".
      expect(got.power === '' ? 0 : Number(got.power)).toBe(want.powerW);
    });
  });

  it('round-trips every sample with its distance, including samples without a position', async () => {
    const file = await encodeToFile(RIDE, 'distance');
    const times = xpathValues(file, `${TP}/*[local-name()='Time']`);
    expect(times).toHaveLength(RIDE.sampleCount);
    const distances = xpathValues(file, `${TP}/*[local-name()='DistanceMeters']`).map(Number);
    const expected = Array.from({ length: RIDE.sampleCount }, (_, i) => sampleValues(RIDE, i).distanceM).filter((d) => !Number.isNaN(d));
    expect(distances).toHaveLength(expected.length);
    distances.forEach((distance, k) => expect(Math.abs(distance - expected[k]!)).toBeLessThanOrEqual(0.01));
    const watts = xpathValues(file, "//*[local-name()='TPX']/*[local-name()='Watts']").map(Number);
    expect(watts.slice(0, 3)).toEqual([0, 7, 14]);
  });

  it('writes one lap per activity lap and one track per pause-separated part inside it', async () => {
    const file = await encodeToFile({ sampleCount: 30, lapStarts: [0, 12], pauseBeforeIndexes: [5, 20] }, 'laps');
    const lap = "//*[local-name()='Lap']";
    expect(xpathString(file, `count(${lap})`)).toBe('2');
    expect(xpathString(file, `count(${lap}[1]/*[local-name()='Track'])`)).toBe('2');
    expect(xpathString(file, `count(${lap}[2]/*[local-name()='Track'])`)).toBe('2');
    expect(xpathString(file, `count(${lap}[1]//*[local-name()='Trackpoint'])`)).toBe('12');
    expect(xpathString(file, `${lap}[2]/@StartTime`)).toBe(new Date(sampleTimeMs({ sampleCount: 30, pauseBeforeIndexes: [5, 20] }, 12)).toISOString().replace('.000Z', 'Z'));
    expect(xpathString(file, `${lap}[1]/*[local-name()='Extensions']/*[local-name()='LX']/*[local-name()='MaxWatts']`)).toBe('419');
  });

  it('writes the whole activity as one lap when it has no laps', async () => {
    const file = await encodeToFile({ sampleCount: 10 }, 'one-lap');
    expect(validate(file).status).toBe(0);
    expect(xpathString(file, "count(//*[local-name()='Lap'])")).toBe('1');
    expect(xpathString(file, "//*[local-name()='Lap']/*[local-name()='Calories']")).toBe('321');
  });

  it('keeps an activity without GPS, like a pool swim, with its heart rate', async () => {
    const file = await encodeToFile({ sampleCount: 40, sport: 'swimming', channels: ['heartRateBpm', 'distanceM'] }, 'pool');
    expect(validate(file).status).toBe(0);
    expect(xpathString(file, "//*[local-name()='Activity']/@Sport")).toBe('Other');
    expect(xpathValues(file, `${TP}/*[local-name()='HeartRateBpm']/*[local-name()='Value']`)).toHaveLength(40);
    expect(xpathString(file, `count(${TP}/*[local-name()='Position'])`)).toBe('0');
  });

  it('writes valid files for no samples and for a single sample', async () => {
    expect(validate(await encodeToFile({ sampleCount: 0, lapStarts: [0] }, 'empty')).status).toBe(0);
    const one = await encodeToFile({ sampleCount: 1 }, 'one');
    expect(validate(one).status).toBe(0);
    expect(xpathString(one, `count(${TP})`)).toBe('1');
  });

  it('escapes the name in Notes and drops characters XML 1.0 forbids', async () => {
    const file = await encodeToFile(RIDE, 'names');
    expect(xpathString(file, "//*[local-name()='Activity']/*[local-name()='Notes']")).toBe('Café & <Crêpes> "ride" Привет 東京\nFelt strong');
  });

  it('drops heart rates and cadences outside the schema ranges instead of writing invalid values', async () => {
    const spec: FixtureSpec = { sampleCount: 3, channels: ['heartRateBpm', 'cadenceRpm'] };
    const activity = fixtureActivity(spec);
    const parts: Uint8Array[] = [];
    const track = (async function* () {
      for await (const chunk of fixtureTrack(spec)) {
        chunk.heartRateBpm!.set([0, 300, 120]);
        chunk.cadenceRpm!.set([255, -3, 90]);
        yield chunk;
      }
    })();
    for await (const bytes of encodeTcxActivity(activity, track)) parts.push(bytes);
    const file = path.join(workDir, 'ranges.tcx');
    writeFileSync(file, Buffer.concat(parts));
    expect(validate(file).status).toBe(0);
    expect(xpathValues(file, `${TP}/*[local-name()='HeartRateBpm']/*[local-name()='Value']`)).toEqual(['120']);
    expect(xpathValues(file, `${TP}/*[local-name()='Cadence']`)).toEqual(['90']);
  });

  it('writes UTC times before 1990 and across a daylight-saving change', async () => {
    const old = await encodeToFile({ sampleCount: 3, startTimeMs: Date.UTC(1985, 5, 1, 12, 0, 0), utcOffsetMin: 120 }, 'old');
    expect(validate(old).status).toBe(0);
    expect(xpathString(old, "//*[local-name()='Activity']/*[local-name()='Id']")).toBe('1985-06-01T12:00:00Z');
    const dst = await encodeToFile({ sampleCount: 3600, startTimeMs: Date.UTC(2025, 9, 26, 0, 30, 0), utcOffsetMin: 120 }, 'dst');
    const times = xpathValues(dst, `${TP}/*[local-name()='Time']`).map(Date.parse);
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! === 1000)).toBe(true);
  });

  it('writes a 24-hour track of 86,400 samples that validates', async () => {
    const result = validate(await encodeToFile({ sampleCount: 86_400, startTimeMs: Date.UTC(2024, 5, 1, 0, 0, 0), lapStarts: [0, 43_200] }, 'day'));
    expect(result.status).toBe(0);
    expect(result.output).toContain('laps=2 trackpoints=86400 first=2024-06-01T00:00:00Z last=2024-06-01T23:59:59Z');
  }, 180_000);

  it('gives identical bytes whatever the track chunking', async () => {
    const reference = await encodeToBytes(RIDE, 2048);
    expect((await encodeToBytes(RIDE, 1)).equals(reference)).toBe(true);
    expect((await encodeToBytes(RIDE, 7)).equals(reference)).toBe(true);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const stream = encodeTcxActivity(fixtureActivity(RIDE), fixtureTrack(RIDE, 7), { signal: controller.signal });
    controller.abort();
    await expect(stream.next()).rejects.toThrow();
  });
});

describe('tcxFormat', () => {
  it('yields one entry per activity, including activities without GPS', async () => {
    const source = fixtureSource([
      { id: 'ride', sampleCount: 20, name: 'Ride' },
      { id: 'pool', sampleCount: 20, name: 'Pool swim', sport: 'swimming', channels: ['heartRateBpm'] },
    ]);
    const paths: string[] = [];
    for await (const entry of tcxFormat.entries({
      source, filter: { kinds: ['activity'] }, options: DEFAULT_EXPORT_OPTIONS, createdAtMs: 0, skip: () => expect.unreachable(), leaveOut: () => expect.unreachable(),
    })) {
      for await (const bytes of entry.content) expect(bytes.length).toBeGreaterThan(0);
      expect(entry.recordCounts).toEqual({ activity: 1 });
      paths.push(entry.path);
    }
    expect(paths).toEqual(['activities/tcx/2025-03-01_0712_ride.tcx', 'activities/tcx/2025-03-01_0712_pool-swim.tcx']);
  });

  it('reports temperature as the channel TCX loses', () => {
    expect(tcxFormat.lostChannels(DEFAULT_EXPORT_OPTIONS)).toEqual(['temperatureC']);
  });
});
