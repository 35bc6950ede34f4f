// Baseline (b) of the export benchmark: the same activities written "the plain-library way" — the
// @garmin/fitsdk Encoder for FIT, template strings with toISOString/toFixed for GPX and TCX, and papaparse's
// unparse for the samples CSV — each file deflated with node's zlib and written out, as a naive exporter would.

import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { Encoder, Profile, Utils } from '@garmin/fitsdk';
import Papa from 'papaparse';
import type { DemoDataset } from '../src/demo/index.ts';
import type { Activity, TrackChunk } from '../src/model/records.ts';
import type { RecordSource } from '../src/model/source.ts';

export interface PlainResult {
  samples: number;
  seconds: number;
  parts: Record<'fit' | 'gpx' | 'tcx' | 'csv', number>;
}

export async function plainLibraryExport(dataset: DemoDataset, source: RecordSource, activityCount: number, level: number, outPath: string): Promise<PlainResult> {
  const out = openSync(outPath, 'w');
  const parts = { fit: 0, gpx: 0, tcx: 0, csv: 0 };
  let samples = 0;
  for (const activity of dataset.activities().slice(0, activityCount)) {
    const chunks: TrackChunk[] = [];
    for await (const chunk of source.track(activity)) chunks.push(chunk);
    samples += activity.sampleCount;
    for (const format of ['fit', 'gpx', 'tcx', 'csv'] as const) {
      const start = performance.now();
      const bytes = format === 'fit' ? sdkFit(activity, chunks) : new TextEncoder().encode(
        format === 'gpx' ? templateGpx(activity, chunks) : format === 'tcx' ? templateTcx(activity, chunks) : papaCsv(chunks));
      writeSync(out, format === 'fit' ? bytes : deflateRawSync(bytes, { level }));
      parts[format] += (performance.now() - start) / 1000;
    }
  }
  closeSync(out);
  return { samples, seconds: parts.fit + parts.gpx + parts.tcx + parts.csv, parts };
}

function* samplesOf(chunks: TrackChunk[]) {
  for (const c of chunks) for (let i = 0; i < c.count; i++) {
    yield { t: c.timeMs[i], lat: c.lat?.[i], lon: c.lon?.[i], ele: c.altitudeM?.[i], hr: c.heartRateBpm?.[i], cad: c.cadenceRpm?.[i], pw: c.powerW?.[i], spd: c.speedMps?.[i], dist: c.distanceM?.[i] };
  }
}

const semicircles = (deg: number) => Math.round(deg * (2 ** 31 / 180));
const ok = (v: number | undefined): v is number => v !== undefined && !Number.isNaN(v);

function sdkFit(activity: Activity, chunks: TrackChunk[]): Uint8Array {
  const M = Profile.MesgNum;
  const encoder = new Encoder();
  // The SDK's typings name each message type; this baseline writes them as plain objects, as its docs show.
  const write = (num: number, mesg: Record<string, unknown>) => encoder.onMesg(num, mesg as never);
  const start = new Date(activity.startTimeMs);
  write(M.FILE_ID, { type: 'activity', manufacturer: 'development', product: 1, timeCreated: start });
  write(M.EVENT, { timestamp: start, event: 'timer', eventType: 'start' });
  let last = Utils.convertDateToDateTime(start);
  for (const s of samplesOf(chunks)) {
    last = Utils.convertDateToDateTime(new Date(s.t));
    const mesg: Record<string, unknown> = { timestamp: last };
    if (ok(s.lat) && ok(s.lon)) { mesg.positionLat = semicircles(s.lat); mesg.positionLong = semicircles(s.lon); }
    if (ok(s.ele)) mesg.enhancedAltitude = s.ele;
    if (ok(s.hr)) mesg.heartRate = s.hr;
    if (ok(s.cad)) mesg.cadence = s.cad;
    if (ok(s.pw)) mesg.power = s.pw;
    if (ok(s.spd)) mesg.enhancedSpeed = s.spd;
    if (ok(s.dist)) mesg.distance = s.dist;
    write(M.RECORD, mesg);
  }
  const startFit = Utils.convertDateToDateTime(start);
  write(M.EVENT, { timestamp: last, event: 'timer', eventType: 'stopAll' });
  write(M.LAP, { messageIndex: 0, timestamp: last, startTime: startFit, totalElapsedTime: activity.totals.elapsedS, totalTimerTime: activity.totals.timerS, event: 'lap', eventType: 'stop' });
  write(M.SESSION, { messageIndex: 0, timestamp: last, startTime: startFit, totalElapsedTime: activity.totals.elapsedS, totalTimerTime: activity.totals.timerS, sport: activity.sport, firstLapIndex: 0, numLaps: 1, event: 'session', eventType: 'stop' });
  write(M.ACTIVITY, { timestamp: last, numSessions: 1, totalTimerTime: activity.totals.timerS, type: 'manual', event: 'activity', eventType: 'stop', localTimestamp: last });
  return encoder.close();
}

function templateGpx(activity: Activity, chunks: TrackChunk[]): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="plain" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><name>${activity.name}</name><trkseg>\n`;
  for (const s of samplesOf(chunks)) {
    if (!ok(s.lat) || !ok(s.lon)) continue;
    xml += `<trkpt lat="${s.lat.toFixed(7)}" lon="${s.lon.toFixed(7)}"><ele>${(s.ele ?? 0).toFixed(1)}</ele><time>${new Date(s.t).toISOString()}</time>`
      + `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${s.hr}</gpxtpx:hr><gpxtpx:cad>${s.cad}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>\n`;
  }
  return `${xml}</trkseg></trk></gpx>\n`;
}

function templateTcx(activity: Activity, chunks: TrackChunk[]): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Other"><Id>${new Date(activity.startTimeMs).toISOString()}</Id><Lap StartTime="${new Date(activity.startTimeMs).toISOString()}"><Track>\n`;
  for (const s of samplesOf(chunks)) {
    xml += `<Trackpoint><Time>${new Date(s.t).toISOString()}</Time>${ok(s.lat) && ok(s.lon) ? `<Position><LatitudeDegrees>${s.lat.toFixed(7)}</LatitudeDegrees><LongitudeDegrees>${s.lon.toFixed(7)}</LongitudeDegrees></Position>` : ''}`
      + `<AltitudeMeters>${(s.ele ?? 0).toFixed(1)}</AltitudeMeters><DistanceMeters>${(s.dist ?? 0).toFixed(2)}</DistanceMeters><HeartRateBpm><Value>${s.hr}</Value></HeartRateBpm><Cadence>${s.cad}</Cadence>`
      + `<Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>${(s.spd ?? 0).toFixed(3)}</Speed><Watts>${s.pw}</Watts></TPX></Extensions></Trackpoint>\n`;
  }
  return `${xml}</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n`;
}

function papaCsv(chunks: TrackChunk[]): string {
  const rows = [];
  for (const s of samplesOf(chunks)) rows.push([new Date(s.t).toISOString(), s.lat, s.lon, s.ele, s.hr, s.cad, s.pw, s.spd, s.dist]);
  return Papa.unparse({ fields: ['time', 'lat', 'lon', 'altitude_m', 'heart_rate_bpm', 'cadence_rpm', 'power_w', 'speed_mps', 'distance_m'], data: rows });
}
