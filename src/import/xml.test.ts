import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { streamBytes } from './bytes.ts';
import { corpusFiles, corpusPath, readCorpus } from './corpus.test-helper.ts';
import { importGpx } from './gpx.ts';
import { importTcx } from './tcx.ts';
import type { ImportedActivity } from './types.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const encoder = new TextEncoder();

/** gpxpy (not ours) counts points, first time and 2-D length. */
function gpxpySummary(file: string): { points: number; firstTimeMs: number; lengthM: number } {
  const script = 'import gpxpy,sys,json\ng=gpxpy.parse(open(sys.argv[1]))\nb=g.get_time_bounds()\nprint(json.dumps([g.get_points_no(), b.start_time.timestamp(), g.length_2d()]))';
  const [points, firstTimeS, lengthM] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }));
  return { points, firstTimeMs: firstTimeS * 1000, lengthM };
}

function xpathNumber(file: string, expression: string): number {
  return Number(execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' }));
}

function expectValid({ activity, chunks }: ImportedActivity): void {
  expect(validateRecord(activity)).toMatchObject({ ok: true });
  for (const chunk of chunks) expect(validateTrackChunk(chunk, activity)).toMatchObject({ ok: true });
}

async function gpx(text: string): Promise<ImportedActivity[]> {
  return importGpx(streamBytes(encoder.encode(text)), { fileName: 't.gpx', nowMs: NOW_MS });
}

describe('importGpx on the real corpus', { tags: ['tools'] }, () => {
  for (const name of corpusFiles('gpx', '.gpx')) {
    it(`imports ${name} with gpxpy's point count, start time and length`, async () => {
      const expected = gpxpySummary(corpusPath('gpx', name));
      const [imported, ...rest] = await importGpx(streamBytes(readCorpus('gpx', name)), { fileName: name, nowMs: NOW_MS });
      expect(rest).toEqual([]);
      expect(imported.activity.sampleCount).toBe(expected.points);
      expect(imported.activity.startTimeMs).toBe(expected.firstTimeMs);
      expect(imported.activity.totals.distanceM! / expected.lengthM).toBeCloseTo(1, 2);
      expectValid(imported);
    });
  }
});

describe('importGpx details', () => {
  const head = '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"'
    + ' xmlns:g="http://www.garmin.com/xmlschemas/TrackPointExtension/v2" xmlns:p="http://www.garmin.com/xmlschemas/PowerExtension/v1">';
  const point = (second: number, ext = '') => `<trkpt lat="47.1" lon="8.${second}"><ele>400</ele><time>2024-05-01T06:00:${String(second).padStart(2, '0')}Z</time>${ext}</trkpt>`;

  it('reads TrackPointExtension v2 and power extensions by namespace URI, whatever the prefix', async () => {
    const [{ chunks, activity }] = await gpx(`${head}<trk><type>cycling</type><trkseg>${point(0, '<extensions><g:TrackPointExtension><g:atemp>21</g:atemp><g:hr>140</g:hr><g:cad>90</g:cad></g:TrackPointExtension><p:PowerInWatts>250</p:PowerInWatts></extensions>')}${point(1, '<extensions><power>260</power></extensions>')}</trkseg></trk></gpx>`);
    expect(activity.sport).toBe('cycling');
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual([140, Number.NaN]);
    expect(Array.from(chunks[0].temperatureC!)).toEqual([21, Number.NaN]);
    expect(Array.from(chunks[0].powerW!)).toEqual([250, 260]);
    expect(activity.totals.maxPowerW).toBe(260);
  });

  it('turns the gap between track segments into a pause', async () => {
    const [{ activity }] = await gpx(`${head}<trk><trkseg>${point(0)}${point(1)}</trkseg><trkseg>${point(30)}${point(31)}</trkseg></trk></gpx>`);
    expect(activity.pauses).toEqual([{ startMs: Date.UTC(2024, 4, 1, 6, 0, 1), endMs: Date.UTC(2024, 4, 1, 6, 0, 30) }]);
    expect(activity.totals.elapsedS).toBe(31);
    expect(activity.totals.timerS).toBe(2);
  });

  it('gives the same result however the bytes are chunked', async () => {
    const bytes = readCorpus('gpx', 'ecc.gpx');
    const whole = await importGpx(streamBytes(bytes), { fileName: 'ecc.gpx', nowMs: NOW_MS });
    async function* oneByteAtATime() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const split = await importGpx(oneByteAtATime(), { fileName: 'ecc.gpx', nowMs: NOW_MS });
    expect(split).toEqual(whole);
  });

  it('reports an unclosed tag with its position', async () => {
    await expect(gpx(`${head}<trk><trkseg>${point(0)}`)).rejects.toThrow(/malformed XML: .*unclosed tag/i);
  });

  it('reads GPX 1.0 (the corpus file written by GPSBabel): every timed point of its tracks, from gpxpy\'s start', { tags: ['tools'] }, async () => {
    const file = corpusPath('gpx/negative', 'korita-zbevnica-gpx10.gpx');
    const imported = await importGpx(streamBytes(readCorpus('gpx/negative', 'korita-zbevnica-gpx10.gpx')), { fileName: 'k.gpx', nowMs: NOW_MS });
    const timedPoints = xpathNumber(file, "count(//*[local-name()='trkpt'][*[local-name()='time']])");
    expect(imported.reduce((sum, i) => sum + i.activity.sampleCount, 0)).toBe(timedPoints);
    expect(Math.min(...imported.map((i) => i.activity.startTimeMs))).toBe(gpxpySummary(file).firstTimeMs);
    imported.forEach(expectValid);
  });

  it('reads GPX 1.0 <speed> in the track point', async () => {
    const [{ chunks }] = await gpx('<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>'
      + '<trkpt lat="47.1" lon="8.1"><ele>400</ele><time>2024-05-01T06:00:00Z</time><course>90</course><speed>3.5</speed></trkpt>'
      + '<trkpt lat="47.1" lon="8.2"><time>2024-05-01T06:00:01Z</time><speed>3.75</speed></trkpt></trkseg></trk></gpx>');
    expect(Array.from(chunks[0].speedMps!)).toEqual([3.5, 3.75]);
    expect(Array.from(chunks[0].altitudeM!)).toEqual([400, Number.NaN]);
  });

  it('reads speed from Suunto\'s gpxdata and bare <speed> extensions, and PowerInWatts in the TrackPointExtension namespace', async () => {
    const [{ chunks }] = await gpx(`${head.replace('creator="t"', 'creator="t" xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"')}<trk><trkseg>`
      + point(0, '<extensions><gpxdata:speed>2.5</gpxdata:speed></extensions>')
      + point(1, '<extensions><speed>2.75</speed></extensions>')
      + point(2, '<extensions><g:TrackPointExtension><g:speed>3</g:speed><g:PowerInWatts>210</g:PowerInWatts></g:TrackPointExtension></extensions>')
      + '</trkseg></trk></gpx>');
    expect(Array.from(chunks[0].speedMps!)).toEqual([2.5, 2.75, 3]);
    expect(Array.from(chunks[0].powerW!)).toEqual([Number.NaN, Number.NaN, 210]);
  });

  it('drops a point without a usable position or time, names it in the warnings and imports the rest', async () => {
    const bad = [
      '<trkpt><time>2024-05-01T06:00:02Z</time></trkpt>',
      '<trkpt lat="100" lon="8.3"><ele>1</ele><time>2024-05-01T06:00:03Z</time><extensions><g:TrackPointExtension><g:hr>x</g:hr></g:TrackPointExtension></extensions></trkpt>',
      '<trkpt lat="47.1" lon="abc"><time>2024-05-01T06:00:04Z</time></trkpt>',
      '<trkpt lat="47.1" lon="8.5"><time>yesterday</time></trkpt>',
    ].join('');
    const [imported] = await gpx(`${head}<trk><trkseg>${point(0)}${point(1)}${bad}${point(5)}</trkseg></trk></gpx>`);
    expect(imported.activity.sampleCount).toBe(3);
    expect(Array.from(imported.chunks[0].timeMs)).toEqual([0, 1, 5].map((s) => Date.UTC(2024, 4, 1, 6, 0, s)));
    expect(imported.warnings).toEqual([
      '<trkpt> #3 of the track dropped: no lat attribute',
      '<trkpt> #4 of the track dropped: lat="100" is out of range -90..90',
      '<trkpt> #5 of the track dropped: lon="abc" is not a number',
      '<trkpt> #6 of the track dropped: <time> "yesterday" is not a valid dateTime',
    ]);
    expectValid(imported);
  });

  it('merges points of the same time written apart (position, then sensors) into one sample', async () => {
    const at = (s: number) => `<time>2024-05-01T06:00:0${s}Z</time>`;
    const pairs = [0, 1, 2].map((s) => `<trkpt lat="47.1" lon="8.${s}">${at(s)}</trkpt>`
      + `<trkpt lat="47.1" lon="8.${s}"><ele>${400 + s}</ele>${at(s)}<extensions><g:TrackPointExtension><g:hr>${130 + s}</g:hr></g:TrackPointExtension></extensions></trkpt>`).join('');
    const [{ activity, chunks }] = await gpx(`${head}<trk><trkseg>${pairs}</trkseg></trk></gpx>`);
    expect(activity.sampleCount).toBe(3);
    expect(Array.from(chunks[0].altitudeM!)).toEqual([400, 401, 402]);
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual([130, 131, 132]);
  });

  it('names the first ten dropped points and counts the rest', async () => {
    const bad = Array.from({ length: 25 }, (_, i) => `<trkpt lat="100" lon="8"><time>2024-05-01T06:01:${String(i).padStart(2, '0')}Z</time></trkpt>`).join('');
    const [imported] = await gpx(`${head}<trk><trkseg>${point(0)}${bad}${point(1)}</trkseg></trk></gpx>`);
    expect(imported.activity.sampleCount).toBe(2);
    expect(imported.warnings).toHaveLength(11);
    expect(imported.warnings![10]).toBe('15 more <trkpt> dropped (25 in all)');
  });

  it('reads the Amazfit file whose extra <heartrate> sits in the GPX namespace', { tags: ['tools'] }, async () => {
    const [amazfit] = await importGpx(streamBytes(readCorpus('gpx/negative', 'amazfit-hr-in-gpx-namespace.gpx')), { fileName: 'a.gpx', nowMs: NOW_MS });
    expect(amazfit.activity.channels).toContain('heartRateBpm');
    expect(amazfit.activity.sampleCount).toBe(gpxpySummary(corpusPath('gpx/negative', 'amazfit-hr-in-gpx-namespace.gpx')).points);
  });
});

describe('importTcx on the real corpus', { tags: ['tools'] }, () => {
  for (const name of corpusFiles('tcx', '.tcx')) {
    it(`imports ${name} with xmllint's trackpoint count, start time and lap distance`, async () => {
      const file = corpusPath('tcx', name);
      const [imported, ...rest] = await importTcx(streamBytes(readCorpus('tcx', name)), { fileName: name, nowMs: NOW_MS });
      expect(rest).toEqual([]);
      // Trackpoints of the same time one after the other are one sample.
      const times = execFileSync('xmllint', ['--xpath', "//*[local-name()='Activities']//*[local-name()='Trackpoint']/*[local-name()='Time']/text()", file], { encoding: 'utf8' })
        .match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?/g) ?? [];
      expect(imported.activity.sampleCount).toBe(times.filter((t, i) => i === 0 || Date.parse(t) !== Date.parse(times[i - 1])).length);
      const firstLap = execFileSync('xmllint', ['--xpath', "string((//*[local-name()='Lap'])[1]/@StartTime)", file], { encoding: 'utf8' });
      expect(imported.activity.startTimeMs).toBe(Date.parse(firstLap.trim()));
      // xmllint prints the sum with 6 significant digits, so compare to the metre.
      const lapDistanceM = xpathNumber(file, "sum(//*[local-name()='Lap']/*[local-name()='DistanceMeters'])");
      expect(Math.abs(imported.activity.totals.distanceM! - lapDistanceM)).toBeLessThan(1);
      expect(imported.activity.laps).toHaveLength(xpathNumber(file, "count(//*[local-name()='Lap'])"));
      expectValid(imported);
    });
  }

  it('reads ns3:TPX Watts from the power ride', async () => {
    const [{ activity }] = await importTcx(streamBytes(readCorpus('tcx', 'gpsbabel-power-ride.tcx')), { fileName: 'p.tcx', nowMs: NOW_MS });
    expect(activity.channels).toEqual(expect.arrayContaining(['powerW', 'speedMps', 'cadenceRpm']));
    expect(activity.totals.maxPowerW).toBeGreaterThan(100);
  });

  it('rejects both negative files with a message naming the problem', async () => {
    await expect(importTcx(streamBytes(readCorpus('tcx/negative', 'run-6281425038-leading-whitespace.tcx')), { fileName: 'w.tcx', nowMs: NOW_MS }))
      .rejects.toThrow(/XML declaration must be at the start/);
    await expect(importTcx(streamBytes(readCorpus('tcx/negative', 'painsled-rowing-invalid-id.tcx')), { fileName: 'p.tcx', nowMs: NOW_MS }))
      .rejects.toThrow(/<Activity><Id> is not a valid dateTime/);
  });
});
