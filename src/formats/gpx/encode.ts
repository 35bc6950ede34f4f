// GPX 1.1 encoder: one file per activity, one <trkseg> per pause-separated part, streamed in ~16K pieces.
//
// Speed (1M samples, every channel, tpx v1, 311 bytes/sample; CPU time on the shared 2-core dev box, track
// built before timing, /tmp driver like xml-bench.ts): string per sample + TextEncoder ~300–350k samples/s
// (~100 MB/s); bytes written straight into a BytePieceWriter ~1.15–1.35M samples/s (~355–420 MB/s).
// zlib level 6 on the same text runs ~120 MB/s (~385k samples/s), so deflate, not encoding, dominates.

import type { Activity, Channel, TrackChunk } from '../../model/records.ts';
import type { ExportOptions, GpxDialect } from '../../model/request.ts';
import { activityBaseName } from '../paths.ts';
import { activityFileSizeBytes } from '../entry-size.ts';
import { BytePieceWriter } from '../text-writer.ts';
import { IsoTimeFormatter } from '../time-format.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import {
  DOCUMENT_CLOSE, SEGMENT_CLOSE, SEGMENT_OPEN, TRACK_CLOSE,
  buildGpxHead, buildTrackHead, type GpxPoint, writeTrackPoint,
} from './parts.ts';

export interface GpxEncodeOptions {
  /** Which extensions carry the sensor channels. Default `garmin-tpx-v1`. */
  dialect?: GpxDialect;
  /** `creator` attribute of <gpx>. Default `Takeaway`. */
  creator?: string;
  signal?: AbortSignal;
}

/** The reason given to `context.skip` for an activity without positions. */
export const GPX_NO_GPS_REASON = 'no GPS positions: GPX cannot carry this activity';

const NO_VALUES = new Float32Array(0);

/**
 * Streams one activity as a GPX 1.1 document. Samples without a position are left out (a <trkpt>
 * needs lat and lon); a pause starts a new <trkseg>. The bytes do not depend on how the track is chunked.
 */
export async function* encodeGpxActivity(
  activity: Activity,
  track: AsyncIterable<TrackChunk>,
  options: GpxEncodeOptions = {},
): AsyncGenerator<Uint8Array> {
  const dialect = options.dialect ?? 'garmin-tpx-v1';
  const signal = options.signal;
  signal?.throwIfAborted();
  const out = new BytePieceWriter();
  const times = new IsoTimeFormatter(0);
  const pauseStartsMs = activity.pauses.map((pause) => pause.startMs).sort((a, b) => a - b);
  let nextPause = 0;
  let isSegmentOpen = false;
  let isBreakPending = false;
  const point: GpxPoint = {
    lat: NaN, lon: NaN, timeMs: NaN, altitudeM: NaN, heartRateBpm: NaN, cadenceRpm: NaN, powerW: NaN, speedMps: NaN, temperatureC: NaN,
  };

  out.text(buildGpxHead(activity, { dialect, creator: options.creator }));
  out.text(buildTrackHead(activity));

  for await (const chunk of track) {
    signal?.throwIfAborted();
    const { lat, lon, timeMs } = chunk;
    if (!lat || !lon) continue;
    const altitude = chunk.altitudeM ?? NO_VALUES;
    const heartRate = chunk.heartRateBpm ?? NO_VALUES;
    const cadence = chunk.cadenceRpm ?? NO_VALUES;
    const power = chunk.powerW ?? NO_VALUES;
    const speed = chunk.speedMps ?? NO_VALUES;
    const temperature = chunk.temperatureC ?? NO_VALUES;
    for (let i = 0; i < chunk.count; i++) {
      const t = timeMs[i]!;
      // A sample after a pause's start belongs to the next part (samples at the pause instant stay before it).
      while (nextPause < pauseStartsMs.length && t > pauseStartsMs[nextPause]!) {
        nextPause++;
        isBreakPending = isSegmentOpen;
      }
      const latDeg = lat[i]!;
      const lonDeg = lon[i]!;
      if (latDeg !== latDeg || lonDeg !== lonDeg) continue;
      if (!isSegmentOpen) {
        out.ascii(SEGMENT_OPEN);
        isSegmentOpen = true;
      } else if (isBreakPending) {
        out.ascii(SEGMENT_CLOSE);
        out.ascii(SEGMENT_OPEN);
      }
      isBreakPending = false;
      point.lat = latDeg;
      point.lon = lonDeg;
      point.timeMs = t;
      point.altitudeM = i < altitude.length ? altitude[i]! : NaN;
      point.heartRateBpm = i < heartRate.length ? heartRate[i]! : NaN;
      point.cadenceRpm = i < cadence.length ? cadence[i]! : NaN;
      point.powerW = i < power.length ? power[i]! : NaN;
      point.speedMps = i < speed.length ? speed[i]! : NaN;
      point.temperatureC = i < temperature.length ? temperature[i]! : NaN;
      writeTrackPoint(out, point, times, dialect);
      if (out.isFull) yield out.take()!;
    }
  }

  out.ascii((isSegmentOpen ? SEGMENT_CLOSE : '') + TRACK_CLOSE + DOCUMENT_CLOSE);
  const rest = out.take();
  if (rest) yield rest;
}

/** Channels GPX cannot carry in each dialect (distance never: readers recompute it from positions). */
export function gpxLostChannels(dialect: GpxDialect): Channel[] {
  if (dialect === 'plain') return ['heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'temperatureC', 'distanceM'];
  if (dialect === 'garmin-tpx-v1') return ['speedMps', 'distanceM'];
  return ['distanceM'];
}

/** True when the activity's track can give at least one <trkpt>. */
export function hasGpsTrack(activity: Activity): boolean {
  return activity.sampleCount > 0 && activity.channels.includes('lat') && activity.channels.includes('lon');
}

async function* gpxEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  const dialect = context.options.gpx.dialect;
  for await (const batch of context.source.records('activity', context.filter)) {
    for (const activity of batch) {
      context.signal?.throwIfAborted();
      if (!hasGpsTrack(activity)) {
        context.leaveOut({ kind: 'activity', id: activity.id, reason: GPX_NO_GPS_REASON });
        continue;
      }
      yield {
        path: `activities/gpx/${activityBaseName(activity)}.gpx`,
        modifiedMs: activity.startTimeMs,
        recordCounts: { activity: 1 },
        content: encodeGpxActivity(activity, context.source.track(activity), { dialect, signal: context.signal }),
        standaloneSizeBytes: activityFileSizeBytes(gpxFormat.size, activity),
      };
    }
  }
}

/** GPX 1.1: one file per activity with a GPS track. */
export const gpxFormat: FormatEncoder = {
  id: 'gpx',
  kinds: ['activity'],
  isCompressible: true,
  // Measured with src/formats/gpx/xml-bench.ts (tpx v1, every channel): 311 bytes per sample; fewer channels write less.
  size: { bytesPerSample: 310, bytesPerRecord: 0, bytesPerFile: 900, deflateRatio: 0.06, requiresChannels: ['lat', 'lon'] },
  lostChannels: (options: ExportOptions) => gpxLostChannels(options.gpx.dialect),
  lostFeatures: [
    'laps',
    'lap and activity totals (calories, averages, maxima)',
    'samples without a GPS position',
    'activities without GPS (pool swims, indoor): no GPX file',
    'device information',
  ],
  entries: gpxEntries,
};
