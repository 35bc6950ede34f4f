// Pure builders for GPX 1.1 pieces: the document head, a <trk> head, one <trkpt>, segment breaks.
// Element order follows gpx.xsd (metadataType, trkType, wptType) and the Garmin extension schemas.

import type { Activity, Sport } from '../../model/records.ts';
import type { GpxDialect } from '../../model/request.ts';
import { formatIsoUtc } from '../time-format.ts';
import { escapeXml, formatDecimal, integerInRange } from '../xml-text.ts';

/** GPX 1.1 namespace and schema (https://www.topografix.com/GPX/1/1/). */
export const GPX_NS = 'http://www.topografix.com/GPX/1/1';
export const GPX_XSD = 'http://www.topografix.com/GPX/1/1/gpx.xsd';
/** Garmin TrackPointExtension v1 and v2 (https://www8.garmin.com/xmlschemas/TrackPointExtensionv1.xsd, …v2.xsd). */
export const TPX_V1_NS = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v1';
export const TPX_V1_XSD = 'http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd';
export const TPX_V2_NS = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v2';
export const TPX_V2_XSD = 'http://www.garmin.com/xmlschemas/TrackPointExtensionv2.xsd';
/** Garmin PowerExtension v1: `PowerInWatts` (xsd:unsignedShort) directly inside a trkpt's <extensions>. */
export const PWR_NS = 'http://www.garmin.com/xmlschemas/PowerExtension/v1';
export const PWR_XSD = 'http://www.garmin.com/xmlschemas/PowerExtensionv1.xsd';
/** Value ranges of the TrackPointExtension types: BeatsPerMinute_t (unsignedByte ≥ 1), RevolutionsPerMinute_t (≤ 254). */
export const HR_MIN_BPM = 1;
export const HR_MAX_BPM = 255;
export const CADENCE_MAX_RPM = 254;
/** PowerInWatts is xsd:unsignedShort. */
export const POWER_MAX_W = 65_535;

/** Decimals written: 1e-7° (≈1 cm) for positions, 1 cm for altitude, mm/s for speed, 0.01 °C. */
const LAT_LON_DECIMALS = 7;
const ALTITUDE_DECIMALS = 2;
const SPEED_DECIMALS = 3;
const TEMPERATURE_DECIMALS = 2;

/** The one number formatter of GPX: dot decimals, trailing zeros trimmed, at most `decimals` places. */
export function formatGpxNumber(value: number, decimals: number): string {
  return formatDecimal(value, decimals);
}

/** `<type>` values: the FIT sport names, which Strava and Garmin Connect both understand in GPX. */
const SPORT_TYPES: Record<Sport, string> = {
  running: 'running', cycling: 'cycling', walking: 'walking', hiking: 'hiking', swimming: 'swimming',
  rowing: 'rowing', training: 'training', generic: 'generic',
};

export interface GpxHeadOptions {
  dialect: GpxDialect;
  /** `creator` attribute; default `Takeaway`. */
  creator?: string;
}

/** XML declaration, <gpx> with the namespaces the dialect needs, and <metadata> (name, notes, start time, tags). */
export function buildGpxHead(activity: Activity, options: GpxHeadOptions): string {
  const { dialect } = options;
  let ns = `xmlns="${GPX_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`;
  let locations = `${GPX_NS} ${GPX_XSD}`;
  if (dialect === 'garmin-tpx-v1') {
    ns += ` xmlns:gpxtpx="${TPX_V1_NS}" xmlns:gpxpx="${PWR_NS}"`;
    locations += ` ${TPX_V1_NS} ${TPX_V1_XSD} ${PWR_NS} ${PWR_XSD}`;
  } else if (dialect === 'garmin-tpx-v2') {
    ns += ` xmlns:gpxtpx="${TPX_V2_NS}" xmlns:gpxpx="${PWR_NS}"`;
    locations += ` ${TPX_V2_NS} ${TPX_V2_XSD} ${PWR_NS} ${PWR_XSD}`;
  }
  const creator = escapeXml(options.creator ?? 'Takeaway');
  let metadata = '';
  if (activity.name) metadata += `<name>${escapeXml(activity.name)}</name>`;
  if (activity.notes) metadata += `<desc>${escapeXml(activity.notes)}</desc>`;
  metadata += `<time>${formatIsoUtc(activity.startTimeMs)}</time>`;
  const keywords = activity.tags.filter((tag) => tag.length > 0).join(', ');
  if (keywords) metadata += `<keywords>${escapeXml(keywords)}</keywords>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="${creator}" ${ns} xsi:schemaLocation="${locations}">\n<metadata>${metadata}</metadata>\n`;
}

/** `<trk>` with its <name> and <type>; segments follow. */
export function buildTrackHead(activity: Activity): string {
  const name = activity.name ? `<name>${escapeXml(activity.name)}</name>` : '';
  return `<trk>${name}<type>${SPORT_TYPES[activity.sport]}</type>\n`;
}

export const SEGMENT_OPEN = '<trkseg>\n';
export const SEGMENT_CLOSE = '</trkseg>\n';
export const TRACK_CLOSE = '</trk>\n';
export const DOCUMENT_CLOSE = '</gpx>\n';

/** One sample's values; NaN means "not recorded" and the element is left out. */
export interface GpxPoint {
  lat: number;
  lon: number;
  /** Already formatted ISO 8601 UTC time (from an IsoTimeFormatter). */
  time: string;
  altitudeM: number;
  heartRateBpm: number;
  cadenceRpm: number;
  powerW: number;
  speedMps: number;
  temperatureC: number;
}

/** One `<trkpt>`; extensions as the dialect allows, in schema order (atemp, hr, cad[, speed]) then PowerInWatts. */
export function buildTrackPoint(point: GpxPoint, dialect: GpxDialect): string {
  let xml = `<trkpt lat="${formatGpxNumber(point.lat, LAT_LON_DECIMALS)}" lon="${formatGpxNumber(point.lon, LAT_LON_DECIMALS)}">`;
  if (point.altitudeM === point.altitudeM) xml += `<ele>${formatGpxNumber(point.altitudeM, ALTITUDE_DECIMALS)}</ele>`;
  xml += `<time>${point.time}</time>`;
  if (dialect !== 'plain') xml += buildExtensions(point, dialect === 'garmin-tpx-v2');
  return `${xml}</trkpt>\n`;
}

function buildExtensions(point: GpxPoint, isV2: boolean): string {
  let tpx = '';
  if (point.temperatureC === point.temperatureC) tpx += `<gpxtpx:atemp>${formatGpxNumber(point.temperatureC, TEMPERATURE_DECIMALS)}</gpxtpx:atemp>`;
  const hr = integerInRange(point.heartRateBpm, HR_MIN_BPM, HR_MAX_BPM);
  if (hr !== undefined) tpx += `<gpxtpx:hr>${hr}</gpxtpx:hr>`;
  const cad = integerInRange(point.cadenceRpm, 0, CADENCE_MAX_RPM);
  if (cad !== undefined) tpx += `<gpxtpx:cad>${cad}</gpxtpx:cad>`;
  if (isV2 && point.speedMps === point.speedMps && point.speedMps >= 0) {
    tpx += `<gpxtpx:speed>${formatGpxNumber(point.speedMps, SPEED_DECIMALS)}</gpxtpx:speed>`;
  }
  const power = integerInRange(point.powerW, 0, POWER_MAX_W);
  if (!tpx && power === undefined) return '';
  let xml = '<extensions>';
  if (tpx) xml += `<gpxtpx:TrackPointExtension>${tpx}</gpxtpx:TrackPointExtension>`;
  if (power !== undefined) xml += `<gpxpx:PowerInWatts>${power}</gpxpx:PowerInWatts>`;
  return `${xml}</extensions>`;
}
