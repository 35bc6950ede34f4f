import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { benchFitImport } from './bench.ts';
import { corpusFiles, readCorpus } from './corpus.test-helper.ts';
import { importFit } from './fit.ts';

const NOW_MS = Date.UTC(2026, 0, 1);

/** What the Garmin SDK itself reports, decoded independently of our importer. */
function sdkSummary(bytes: Uint8Array) {
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  const records = (messages.recordMesgs ?? []).filter((r) => r.timestamp instanceof Date);
  const sessions = [...(messages.sessionMesgs ?? [])].sort((a, b) => +a.startTime! - +b.startTime!);
  // Records of the same second written one after the other are one sample (position and sensors apart).
  const sampleCount = records.filter((r, i) => i === 0 || +r.timestamp! !== +records[i - 1].timestamp!).length;
  return { errors, sampleCount, sessions };
}

describe('importFit on the real corpus', () => {
  for (const name of corpusFiles('fit', '.fit')) {
    it(`imports ${name} with the SDK's record count (one sample per second), session starts and distances`, () => {
      const bytes = readCorpus('fit', name);
      const sdk = sdkSummary(bytes);
      expect(sdk.errors).toEqual([]);
      const activities = importFit(bytes, { fileName: name, nowMs: NOW_MS });
      expect(activities.reduce((sum, a) => sum + a.activity.sampleCount, 0)).toBe(sdk.sampleCount);
      expect(activities).toHaveLength(sdk.sessions.length);
      activities.forEach(({ activity, chunks, original }, i) => {
        const session = sdk.sessions[i];
        expect(activity.startTimeMs).toBe(+session.startTime!);
        if (session.totalDistance !== undefined) expect(activity.totals.distanceM).toBeCloseTo(session.totalDistance, 2);
        expect(validateRecord(activity).ok).toBe(true);
        expect(chunks.reduce((sum, c) => sum + c.count, 0)).toBe(activity.sampleCount);
        for (const chunk of chunks) expect(validateTrackChunk(chunk, activity)).toMatchObject({ ok: true });
        expect(original?.bytes).toBe(bytes);
      });
    });
  }
});

describe('importFit details', () => {
  it('splits a triathlon into one activity per session, named by sport', () => {
    const activities = importFit(readCorpus('fit', 'fr920xt-triathlon.fit'), { fileName: 't.fit', nowMs: NOW_MS }).map((a) => a.activity);
    expect(activities.map((a) => [a.sport, a.subSport])).toEqual([
      ['swimming', 'open_water'], ['transition', 'generic'], ['cycling', 'generic'], ['transition', 'generic'], ['running', 'generic'],
    ]);
    expect(activities[1].name).toBe('Transition 2014-12-14');
    expect(activities[2].channels).toContain('powerW');
  });

  it('converts semicircles to degrees and reads the local offset and the device serial number', () => {
    const [{ activity, chunks }] = importFit(readCorpus('fit', 'run-6782987395.fit'), { fileName: 'r.fit', nowMs: NOW_MS });
    const sdkFirst = new Decoder(Stream.fromByteArray(readCorpus('fit', 'run-6782987395.fit'))).read().messages.recordMesgs![0];
    expect(chunks[0].lat![0]).toBeCloseTo(sdkFirst.positionLat! * (180 / 2 ** 31), 9);
    expect(chunks[0].lat![0]).toBeGreaterThan(40);
    expect(activity.utcOffsetMin).toBe(-240);
    expect(activity.device).toMatchObject({ manufacturer: 'garmin', product: 'fr945', serialNumber: '3996264072' });
    expect(activity.id).toBe('fit-1560591743-running');
    expect(activity.name).toBe('Running 2019-06-15');
  });

  it('turns timer stop/start events into pauses and keeps timer time below elapsed time', () => {
    const [{ activity }] = importFit(readCorpus('fit', 'edge500-ride.fit'), { fileName: 'e.fit', nowMs: NOW_MS });
    expect(activity.pauses.length).toBeGreaterThan(0);
    for (const pause of activity.pauses) expect(pause.endMs).toBeGreaterThan(pause.startMs);
    expect(activity.totals.timerS).toBeLessThan(activity.totals.elapsedS);
  });

  it('rejects each negative file with a message naming the problem', () => {
    const messages = corpusFiles('fit/negative', '.fit').map((name) => {
      try {
        importFit(readCorpus('fit/negative', name), { fileName: name, nowMs: NOW_MS });
        return 'imported';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages).toEqual([
      expect.stringMatching(/chained FIT file #2 .*no valid FIT header/),
      expect.stringMatching(/truncated: the header announces 771 bytes but only 768/),
      expect.stringMatching(/truncated/),
    ]);
  });

  it('rejects a FIT file with one flipped data byte as a CRC mismatch', () => {
    const bytes = readCorpus('fit', 'fenix5-run.fit').slice();
    bytes[2000] ^= 0xff;
    expect(() => importFit(bytes, { fileName: 'x.fit', nowMs: NOW_MS })).toThrow(/CRC mismatch/);
  });

  it('measures import throughput on the biggest corpus files', () => {
    const files = ['fenix2-multisport.fit', 'wahoo-elemnt-long-ride.fit', 'edge500-ride.fit'].map((name) => ({ name, bytes: readCorpus('fit', name) }));
    const results = benchFitImport(files, 1);
    for (const r of results) console.log(`benchFitImport ${r.name}: ${r.samples} samples in ${r.ms.toFixed(0)} ms = ${Math.round(r.samplesPerS)} samples/s`);
    expect(results.map((r) => r.samples)).toEqual([24233, 13471, 10671]);
  });
});
