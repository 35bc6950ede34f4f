// Import, demo and privacy share one totals implementation (src/model/totals.ts): a track's climb follows the
// same rule whether it was read from a file, generated, or trimmed by a privacy zone, and trimming never adds climb.
import { describe, expect, it } from 'vitest';
import { createDemoDataset, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { importFiles } from '../../src/import/index.ts';
import { MemoryRecordSource } from '../../src/model/memory-source.ts';
import type { Activity, TrackChunk } from '../../src/model/records.ts';
import type { PrivacyOptions } from '../../src/model/request.ts';
import { anonymiseSource } from '../../src/privacy/index.ts';

const T0 = Date.UTC(2026, 4, 1, 6, 0, 0);

/** An hour on the flat, 1 sample/s heading north, altitude 412 m ± 0.6 m of seeded noise, as a GPX file. */
function flatNoisyGpx(): Uint8Array {
  let seed = 7;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 1.2 - 0.6;
  const points = Array.from({ length: 3600 }, (_, i) => {
    const time = new Date(T0 + i * 1000).toISOString();
    return `<trkpt lat="${(52 + i * 2e-5).toFixed(6)}" lon="13.000000"><ele>${(412 + noise()).toFixed(2)}</ele><time>${time}</time></trkpt>`;
  });
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Flat</name><type>running</type><trkseg>
${points.join('\n')}
</trkseg></trk></gpx>`);
}

async function trimmed(activity: Activity, chunks: TrackChunk[], privacy: PrivacyOptions): Promise<Activity> {
  const source = anonymiseSource(new MemoryRecordSource([activity], new Map([[activity.id, chunks]])), privacy).source;
  for await (const batch of source.records('activity', { kinds: ['activity'] })) return batch[0] as Activity;
  throw new Error('no activity left');
}

describe('totals after import and after a privacy zone', () => {
  it('gives a flat track with ±0.6 m altitude noise no ascent, imported and with one sample removed by a zone', async () => {
    let imported: { activity: Activity; chunks: TrackChunk[] } | undefined;
    for await (const item of importFiles([{ name: 'flat.gpx', bytes: flatNoisyGpx() }], { nowMs: T0 })) {
      if (item.type === 'activity') imported = item;
      else throw new Error(`import failed: ${JSON.stringify(item)}`);
    }
    const { activity, chunks } = imported!;
    expect(activity.sampleCount).toBe(3600);
    expect([activity.totals.ascentM, activity.totals.descentM]).toEqual([0, 0]);

    // A 1 m zone around sample 1,800 removes that one sample ("remove the whole sample").
    const zone = { latDeg: chunks[0].lat![1800], lonDeg: 13, radiusM: 1 };
    const after = await trimmed(activity, chunks, { zones: [zone], zoneMode: 'sample' });
    expect(after.sampleCount).toBe(3599);
    expect([after.totals.ascentM, after.totals.descentM]).toEqual([0, 0]);
  });

  it('never raises ascent or descent above the untrimmed track, over the small demo set and zones on its tracks', async () => {
    const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
    const activities = [...dataset.activities()].filter((a) => a.totals.ascentM !== undefined);
    expect(activities.length).toBeGreaterThan(5);
    let checked = 0;
    for (const activity of activities) {
      const chunks = [...dataset.trackSync(activity)];
      const lat = chunks[0].lat!;
      const lon = chunks[0].lon!;
      // Zones of 200 m around the start and around a point a third of the way in (the first chunk).
      const zones = [0, Math.floor(chunks[0].count / 3)].map((k) => ({ latDeg: lat[k], lonDeg: lon[k], radiusM: 200 }));
      const after = await trimmed(activity, chunks, { zones, zoneMode: 'sample' });
      if (after.sampleCount === activity.sampleCount) continue;
      checked++;
      expect(after.totals.ascentM!, activity.id).toBeLessThanOrEqual(activity.totals.ascentM!);
      expect(after.totals.descentM!, activity.id).toBeLessThanOrEqual(activity.totals.descentM!);
      after.laps.forEach((lap, i) => {
        const original = activity.laps.find((l) => l.startTimeMs <= lap.startTimeMs && lap.startTimeMs < l.startTimeMs + l.elapsedS * 1000);
        if (original?.ascentM !== undefined) expect(lap.ascentM!, `${activity.id} lap ${i}`).toBeLessThanOrEqual(original.ascentM);
      });
    }
    expect(checked).toBeGreaterThan(5);
  });
});
