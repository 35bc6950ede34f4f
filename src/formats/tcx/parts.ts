// Pure builders for Training Center XML v2 pieces: document head, Activity head, Lap head, Trackpoint,
// Activity tail (Notes, Creator) and document tail (Author). Element order follows TrainingCenterDatabasev2.xsd.

import type { Activity, DeviceInfo, Lap, Sport, Totals } from '../../model/records.ts';
import { type BytePieceWriter, asciiBytes } from '../text-writer.ts';
import { type IsoTimeFormatter, formatIsoUtc } from '../time-format.ts';
import { escapeXml, formatDecimal, integerInRange } from '../xml-text.ts';

/** TCX v2 and ActivityExtension v2 namespaces (https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd). */
export const TCX_NS = 'http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2';
export const TCX_XSD = 'http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd';
export const AX_NS = 'http://www.garmin.com/xmlschemas/ActivityExtension/v2';
export const AX_XSD = 'http://www.garmin.com/xmlschemas/ActivityExtensionv2.xsd';
/** HeartRateInBeatsPerMinute_t/Value is positiveByte (1–255); CadenceValue_t is unsignedByte ≤ 254. */
export const HR_MIN_BPM = 1;
export const HR_MAX_BPM = 255;
export const CADENCE_MAX_RPM = 254;
/** Lap Calories, ns3:Watts, AvgWatts and MaxWatts are xsd:unsignedShort. */
export const UNSIGNED_SHORT_MAX = 65_535;
/** Application_t needs a PartNumber matching `[\p{Lu}\d]{3}-[\p{Lu}\d]{5}-[\p{Lu}\d]{2}`; this one names no Garmin product. */
export const AUTHOR_PART_NUMBER = '000-00000-00';

const LAT_LON_DECIMALS = 7;
const ALTITUDE_DECIMALS = 2;
const DISTANCE_DECIMALS = 3;
const SPEED_DECIMALS = 3;
const SECONDS_DECIMALS = 3;

/** The one number formatter of TCX: dot decimals, trailing zeros trimmed, at most `decimals` places. */
export function formatTcxNumber(value: number, decimals: number): string {
  return formatDecimal(value, decimals);
}

/** Activity/@Sport allows only Running, Biking and Other (Sport_t). */
export function tcxSport(sport: Sport): 'Running' | 'Biking' | 'Other' {
  if (sport === 'running') return 'Running';
  if (sport === 'cycling') return 'Biking';
  return 'Other';
}

/** XML declaration, <TrainingCenterDatabase>, <Activities>, <Activity Sport> and <Id> (the start, UTC). */
export function buildTcxHead(activity: Activity): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<TrainingCenterDatabase xmlns="${TCX_NS}" xmlns:ns3="${AX_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${TCX_NS} ${TCX_XSD} ${AX_NS} ${AX_XSD}">\n`
    + `<Activities>\n<Activity Sport="${tcxSport(activity.sport)}">\n<Id>${formatIsoUtc(activity.startTimeMs)}</Id>\n`;
}

function heartRate(element: string, value: number | undefined): string {
  const bpm = value === undefined ? undefined : integerInRange(value, HR_MIN_BPM, HR_MAX_BPM);
  return bpm === undefined ? '' : `<${element}><Value>${bpm}</Value></${element}>`;
}

function isKnown(value: number | undefined): value is number {
  return value !== undefined && value === value;
}

/**
 * `<Lap StartTime>` and its summary in schema order (TotalTimeSeconds, DistanceMeters, MaximumSpeed, Calories,
 * Average/MaximumHeartRateBpm, Intensity, Cadence, TriggerMethod). Tracks follow; close with {@link buildLapTail}.
 * Unknown distance and calories are written as 0 because the schema requires them.
 */
export function buildLapHead(totals: Totals, startTimeMs: number): string {
  let xml = `<Lap StartTime="${formatIsoUtc(startTimeMs)}">`;
  xml += `<TotalTimeSeconds>${formatTcxNumber(Math.max(0, totals.timerS), SECONDS_DECIMALS)}</TotalTimeSeconds>`;
  xml += `<DistanceMeters>${formatTcxNumber(isKnown(totals.distanceM) ? Math.max(0, totals.distanceM) : 0, DISTANCE_DECIMALS)}</DistanceMeters>`;
  if (isKnown(totals.maxSpeedMps) && totals.maxSpeedMps >= 0) xml += `<MaximumSpeed>${formatTcxNumber(totals.maxSpeedMps, SPEED_DECIMALS)}</MaximumSpeed>`;
  xml += `<Calories>${isKnown(totals.calories) ? (integerInRange(totals.calories, 0, UNSIGNED_SHORT_MAX) ?? 0) : 0}</Calories>`;
  xml += heartRate('AverageHeartRateBpm', totals.avgHeartRateBpm);
  xml += heartRate('MaximumHeartRateBpm', totals.maxHeartRateBpm);
  xml += '<Intensity>Active</Intensity>';
  const cadence = isKnown(totals.avgCadenceRpm) ? integerInRange(totals.avgCadenceRpm, 0, CADENCE_MAX_RPM) : undefined;
  if (cadence !== undefined) xml += `<Cadence>${cadence}</Cadence>`;
  return `${xml}<TriggerMethod>Manual</TriggerMethod>\n`;
}

/** Lap Extensions (ns3:LX: AvgSpeed, AvgWatts, MaxWatts, in ActivityLapExtension_t order) and `</Lap>`. */
export function buildLapTail(totals: Totals): string {
  let lx = '';
  if (isKnown(totals.avgSpeedMps) && totals.avgSpeedMps >= 0) lx += `<ns3:AvgSpeed>${formatTcxNumber(totals.avgSpeedMps, SPEED_DECIMALS)}</ns3:AvgSpeed>`;
  const avgWatts = isKnown(totals.avgPowerW) ? integerInRange(totals.avgPowerW, 0, UNSIGNED_SHORT_MAX) : undefined;
  if (avgWatts !== undefined) lx += `<ns3:AvgWatts>${avgWatts}</ns3:AvgWatts>`;
  const maxWatts = isKnown(totals.maxPowerW) ? integerInRange(totals.maxPowerW, 0, UNSIGNED_SHORT_MAX) : undefined;
  if (maxWatts !== undefined) lx += `<ns3:MaxWatts>${maxWatts}</ns3:MaxWatts>`;
  return lx ? `<Extensions><ns3:LX>${lx}</ns3:LX></Extensions></Lap>\n` : '</Lap>\n';
}

/** The whole activity as one lap, for activities recorded without laps. */
export function wholeActivityLap(activity: Activity): Lap {
  return { ...activity.totals, startTimeMs: activity.startTimeMs, startIndex: 0, endIndex: activity.sampleCount };
}

export const TRACK_OPEN = '<Track>\n';
export const TRACK_CLOSE = '</Track>\n';

/** One sample's values; NaN means "not recorded" and the element is left out. */
export interface TcxPoint {
  timeMs: number;
  lat: number;
  lon: number;
  altitudeM: number;
  distanceM: number;
  heartRateBpm: number;
  cadenceRpm: number;
  speedMps: number;
  powerW: number;
}

// The fixed text of a <Trackpoint> as bytes, neighbouring tags merged (see BytePieceWriter for the numbers).
const POINT_TIME = asciiBytes('<Trackpoint><Time>');
const TIME_CLOSE = asciiBytes('</Time>');
const LAT_OPEN = asciiBytes('<Position><LatitudeDegrees>');
const LAT_LON = asciiBytes('</LatitudeDegrees><LongitudeDegrees>');
const LON_CLOSE = asciiBytes('</LongitudeDegrees></Position>');
const ALTITUDE_OPEN = asciiBytes('<AltitudeMeters>');
const ALTITUDE_CLOSE = asciiBytes('</AltitudeMeters>');
const DISTANCE_OPEN = asciiBytes('<DistanceMeters>');
const DISTANCE_CLOSE = asciiBytes('</DistanceMeters>');
const HR_OPEN = asciiBytes('<HeartRateBpm><Value>');
const HR_CLOSE = asciiBytes('</Value></HeartRateBpm>');
const CADENCE_OPEN = asciiBytes('<Cadence>');
const CADENCE_CLOSE = asciiBytes('</Cadence>');
const TPX_OPEN = asciiBytes('<Extensions><ns3:TPX>');
const TPX_CLOSE = asciiBytes('</ns3:TPX></Extensions>');
const SPEED_OPEN = asciiBytes('<ns3:Speed>');
const SPEED_CLOSE = asciiBytes('</ns3:Speed>');
const WATTS_OPEN = asciiBytes('<ns3:Watts>');
const WATTS_CLOSE = asciiBytes('</ns3:Watts>');
const POINT_CLOSE = asciiBytes('</Trackpoint>\n');

/** Writes one `<Trackpoint>` in Trackpoint_t order, with ns3:TPX (Speed, Watts) when either is known. */
export function writeTrackpoint(out: BytePieceWriter, point: TcxPoint, times: IsoTimeFormatter): void {
  out.bytes(POINT_TIME);
  times.write(out, point.timeMs);
  out.bytes(TIME_CLOSE);
  if (point.lat === point.lat && point.lon === point.lon) {
    out.bytes(LAT_OPEN);
    out.decimal(point.lat, LAT_LON_DECIMALS, formatTcxNumber);
    out.bytes(LAT_LON);
    out.decimal(point.lon, LAT_LON_DECIMALS, formatTcxNumber);
    out.bytes(LON_CLOSE);
  }
  if (point.altitudeM === point.altitudeM) {
    out.bytes(ALTITUDE_OPEN);
    out.decimal(point.altitudeM, ALTITUDE_DECIMALS, formatTcxNumber);
    out.bytes(ALTITUDE_CLOSE);
  }
  if (point.distanceM === point.distanceM) {
    out.bytes(DISTANCE_OPEN);
    out.decimal(point.distanceM, DISTANCE_DECIMALS, formatTcxNumber);
    out.bytes(DISTANCE_CLOSE);
  }
  const hr = integerInRange(point.heartRateBpm, HR_MIN_BPM, HR_MAX_BPM);
  if (hr !== undefined) {
    out.bytes(HR_OPEN);
    out.uint(hr);
    out.bytes(HR_CLOSE);
  }
  const cad = integerInRange(point.cadenceRpm, 0, CADENCE_MAX_RPM);
  if (cad !== undefined) {
    out.bytes(CADENCE_OPEN);
    out.uint(cad);
    out.bytes(CADENCE_CLOSE);
  }
  const hasSpeed = point.speedMps === point.speedMps && point.speedMps >= 0;
  const watts = integerInRange(point.powerW, 0, UNSIGNED_SHORT_MAX);
  if (hasSpeed || watts !== undefined) {
    out.bytes(TPX_OPEN);
    if (hasSpeed) {
      out.bytes(SPEED_OPEN);
      out.decimal(point.speedMps, SPEED_DECIMALS, formatTcxNumber);
      out.bytes(SPEED_CLOSE);
    }
    if (watts !== undefined) {
      out.bytes(WATTS_OPEN);
      out.uint(watts);
      out.bytes(WATTS_CLOSE);
    }
    out.bytes(TPX_CLOSE);
  }
  out.bytes(POINT_CLOSE);
}

function versionParts(version: string | undefined): [number, number] {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version ?? '');
  const major = match ? Number(match[1]) : 0;
  const minor = match?.[2] ? Number(match[2]) : 0;
  return [major <= UNSIGNED_SHORT_MAX ? major : 0, minor <= UNSIGNED_SHORT_MAX ? minor : 0];
}

/** Device_t `<Creator>` from what is known of the recording device; empty when nothing is. */
export function buildCreator(device: DeviceInfo | undefined): string {
  const name = [device?.manufacturer, device?.product].filter(Boolean).join(' ').trim();
  if (!device || !name) return '';
  // UnitId is xsd:unsignedInt: only a numeric serial fits; ProductID (Garmin's numeric id) is unknown here.
  const serial = /^\d+$/.test(device.serialNumber ?? '') ? Number(device.serialNumber) : 0;
  const unitId = serial <= 4_294_967_295 ? serial : 0;
  const [major, minor] = versionParts(device.softwareVersion);
  return `<Creator xsi:type="Device_t"><Name>${escapeXml(name)}</Name><UnitId>${unitId}</UnitId><ProductID>0</ProductID>`
    + `<Version><VersionMajor>${major}</VersionMajor><VersionMinor>${minor}</VersionMinor></Version></Creator>\n`;
}

/** Activity `<Notes>` (name, then the notes on the next line), `<Creator>` and `</Activity>`. */
export function buildActivityTail(activity: Activity): string {
  const text = [activity.name, activity.notes].filter((part) => part && part.length > 0).join('\n');
  const notes = text ? `<Notes>${escapeXml(text)}</Notes>\n` : '';
  return `${notes}${buildCreator(activity.device)}</Activity>\n</Activities>\n`;
}

export interface TcxAuthor {
  /** Application name. Default `Takeaway`. */
  name?: string;
  /** `major.minor` version. Default `1.0`. */
  version?: string;
}

/** Application_t `<Author>` and the document's end. */
export function buildTcxTail(author: TcxAuthor = {}): string {
  const [major, minor] = versionParts(author.version ?? '1.0');
  return `<Author xsi:type="Application_t"><Name>${escapeXml(author.name ?? 'Takeaway')}</Name>`
    + `<Build><Version><VersionMajor>${major}</VersionMajor><VersionMinor>${minor}</VersionMinor></Version></Build>`
    + `<LangID>EN</LangID><PartNumber>${AUTHOR_PART_NUMBER}</PartNumber></Author>\n</TrainingCenterDatabase>\n`;
}
