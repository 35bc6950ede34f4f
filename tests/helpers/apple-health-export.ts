// A synthetic Apple Health export.zip of our own making (no real person's data), laid out as the Health app writes it:
// apple_health_export/export.xml and apple_health_export/workout-routes/*.gpx. Every day has the same shape, so the
// counts an import must give are known from the spec alone (`expectedAppleHealth`). Small for tests and the e2e spec,
// gigabytes for the bench (bench/synthetic-apple-health.ts), from one generator.

import { Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

export interface AppleHealthSpec {
  days: number;
  /** Heart-rate readings spread over each day, besides those during its workout. */
  heartRatePerDay: number;
  /** Route points (1 Hz) of each running workout (one on every even day). */
  routePoints: number;
  /** First day, `YYYY-MM-DD`; local offset +01:00 throughout. */
  firstDay?: string;
}

const OFFSET = '+0100';
const WATCH = 'Kim’s Apple Watch';
const PHONE = 'Kim’s iPhone';
/** Heart-rate readings during each workout: one every 5 s for 30 minutes. */
export const WORKOUT_HEART_RATE = 360;

function dayOf(spec: AppleHealthSpec, d: number): string {
  return new Date(Date.parse(`${spec.firstDay ?? '2025-03-01'}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
}

/** `2025-03-01 07:00:05 +0100` for day `d`, `seconds` after local midnight (may run into the next day). */
function at(spec: AppleHealthSpec, d: number, seconds: number): string {
  const local = new Date(Date.parse(`${dayOf(spec, 0)}T00:00:00Z`) + d * 86_400_000 + seconds * 1000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${OFFSET}`;
}

function record(type: string, source: string, unit: string, start: string, end: string, value: string | number): string {
  return `<Record type="${type}" sourceName="${source}" sourceVersion="17.1" unit="${unit}" creationDate="${end}" startDate="${start}" endDate="${end}" value="${value}"/>\n`;
}

function sleep(source: string, start: string, end: string, stage: string): string {
  return `<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="${source}" sourceVersion="10.1" creationDate="${end}" startDate="${start}" endDate="${end}" value="HKCategoryValueSleepAnalysis${stage}"/>\n`;
}

export function routeFileName(spec: AppleHealthSpec, d: number): string {
  return `workout-routes/route_${dayOf(spec, d)}_7.00am.gpx`;
}

/** export.xml as a stream of text pieces, a day at a time, records first and workouts after them as Apple writes it. */
export function* appleHealthXml(spec: AppleHealthSpec): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (ExportDate,Me,(Record|Workout)*)>\n'
    + '<!ATTLIST HealthData locale CDATA #REQUIRED>\n]>\n<HealthData locale="en_GB">\n'
    + ` <ExportDate value="${at(spec, spec.days, 0)}"/>\n <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>\n`;
  for (let d = 0; d < spec.days; d++) {
    let text = '';
    // Steps: the phone counts 3 × (1000 + d), the watch 2 × (1400 + d); the watch's day is taken, never the sum.
    for (let i = 0; i < 3; i++) text += record('HKQuantityTypeIdentifierStepCount', PHONE, 'count', at(spec, d, 9 * 3600 + i * 3600), at(spec, d, 9 * 3600 + i * 3600 + 600), 1000 + d);
    for (let i = 0; i < 2; i++) text += record('HKQuantityTypeIdentifierStepCount', WATCH, 'count', at(spec, d, 9 * 3600 + i * 3600), at(spec, d, 9 * 3600 + i * 3600 + 600), 1400 + d);
    // Weight at 06:30: kg, every third day in pounds; body fat with it on even days.
    const kg = 70 + d * 0.1;
    text += d % 3 === 2
      ? record('HKQuantityTypeIdentifierBodyMass', 'Scale', 'lb', at(spec, d, 6.5 * 3600), at(spec, d, 6.5 * 3600), (kg / 0.45359237).toFixed(4))
      : record('HKQuantityTypeIdentifierBodyMass', 'Scale', 'kg', at(spec, d, 6.5 * 3600), at(spec, d, 6.5 * 3600), kg.toFixed(2));
    if (d % 2 === 0) text += record('HKQuantityTypeIdentifierBodyFatPercentage', 'Scale', '%', at(spec, d, 6.5 * 3600), at(spec, d, 6.5 * 3600), '0.215');
    // The night from 23:00: the watch's stages, the phone's time in bed, and a sleep app's own (overlapping) night.
    const night = 23 * 3600;
    text += sleep(PHONE, at(spec, d, night - 600), at(spec, d, night + 7 * 3600 + 300), 'InBed');
    text += sleep(WATCH, at(spec, d, night), at(spec, d, night + 2 * 3600), 'AsleepCore');
    text += sleep(WATCH, at(spec, d, night + 2 * 3600), at(spec, d, night + 3 * 3600), 'AsleepDeep');
    text += sleep(WATCH, at(spec, d, night + 3 * 3600), at(spec, d, night + 4 * 3600), 'AsleepREM');
    text += sleep(WATCH, at(spec, d, night + 4 * 3600), at(spec, d, night + 4 * 3600 + 600), 'Awake');
    text += sleep(WATCH, at(spec, d, night + 4 * 3600 + 600), at(spec, d, night + 7 * 3600), 'AsleepCore');
    text += sleep('AutoSleep', at(spec, d, night + 300), at(spec, d, night + 7 * 3600 - 300), 'AsleepUnspecified');
    yield text;
    // Heart rate through the day (in the small hours, before any workout), then every 5 s during the 07:00 workout.
    text = '';
    for (let i = 0; i < spec.heartRatePerDay; i++) {
      const second = Math.floor((i * 6 * 3600) / Math.max(1, spec.heartRatePerDay));
      text += record('HKQuantityTypeIdentifierHeartRate', WATCH, 'count/min', at(spec, d, second), at(spec, d, second), 55 + (i % 30));
      if (text.length > 1 << 16) {
        yield text;
        text = '';
      }
    }
    for (let i = 0; i < WORKOUT_HEART_RATE; i++) text += record('HKQuantityTypeIdentifierHeartRate', WATCH, 'count/min', at(spec, d, 7 * 3600 + i * 5), at(spec, d, 7 * 3600 + i * 5), 130 + (i % 25));
    yield text;
  }
  for (let d = 0; d < spec.days; d++) {
    const start = at(spec, d, 7 * 3600);
    const end = at(spec, d, 7 * 3600 + 1800);
    if (d % 2 === 0) {
      yield `<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" sourceName="${WATCH}" sourceVersion="10.1" creationDate="${end}" startDate="${start}" endDate="${end}">\n`
        + ' <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        + ` <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="${start}" endDate="${end}" sum="5.2" unit="km"/>\n`
        + ` <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="${start}" endDate="${end}" sum="310" unit="kcal"/>\n`
        + ` <WorkoutRoute sourceName="${WATCH}" sourceVersion="10.1" creationDate="${end}" startDate="${start}" endDate="${end}">\n`
        + `  <FileReference path="/${routeFileName(spec, d)}"/>\n </WorkoutRoute>\n</Workout>\n`;
    } else {
      // The older form: totals as attributes, no route.
      yield `<Workout workoutActivityType="HKWorkoutActivityTypeTraditionalStrengthTraining" duration="30" durationUnit="min" totalDistance="0" totalDistanceUnit="km" totalEnergyBurned="180" totalEnergyBurnedUnit="kcal" sourceName="${WATCH}" sourceVersion="9.1" creationDate="${end}" startDate="${start}" endDate="${end}"/>\n`;
    }
  }
  yield '</HealthData>\n';
}

/** The route GPX of day `d` as the Health app writes it (GPX 1.1, speed and accuracy in plain extensions). */
export function appleRouteGpx(spec: AppleHealthSpec, d: number): string {
  const startMs = Date.parse(`${dayOf(spec, d)}T06:00:00Z`); // 07:00 at +01:00
  let text = '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1">\n'
    + `<metadata><time>${new Date(startMs).toISOString()}</time></metadata>\n<trk><name>Route ${dayOf(spec, d)} 7:00am</name><trkseg>\n`;
  for (let i = 0; i < spec.routePoints; i++) {
    text += `<trkpt lon="${(-0.1 + i * 0.00003).toFixed(6)}" lat="${(51.5 + i * 0.00001).toFixed(6)}"><ele>${(20 + (i % 7)).toFixed(1)}</ele>`
      + `<time>${new Date(startMs + i * 1000).toISOString().replace('.000Z', 'Z')}</time><extensions><speed>2.9</speed><course>45.0</course><hAcc>4.0</hAcc><vAcc>3.0</vAcc></extensions></trkpt>\n`;
  }
  return `${text}</trkseg></trk>\n</gpx>\n`;
}

/** What an import of the spec's export must give. */
export function expectedAppleHealth(spec: AppleHealthSpec) {
  const runs = Math.ceil(spec.days / 2);
  return {
    activities: spec.days,
    runs,
    /** Samples of all activities: route points for runs (each with heart rate), the workout's readings otherwise. */
    samples: runs * spec.routePoints + (spec.days - runs) * WORKOUT_HEART_RATE,
    steps: Array.from({ length: spec.days }, (_, d) => ({ date: dayOf(spec, d), stepCount: 2 * (1400 + d) })),
    weights: spec.days,
    bodyFat: runs,
    sleeps: spec.days,
    /** One night: 6 h 50 min asleep, of which deep 1 h, REM 1 h, core (light) 4 h 50 min; awake 10 min. */
    night: { durationAsleepS: 24_600, deepS: 3600, remS: 3600, lightS: 17_400, awakeS: 600 },
    heartRateDays: spec.days,
    heartRateReadingsPerDay: spec.heartRatePerDay + WORKOUT_HEART_RATE,
  };
}

/** The whole export.zip in memory (for tests and the e2e spec). */
export async function appleHealthExportZip(spec: AppleHealthSpec): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { level: 6 });
  await addAppleHealthMembers(writer, spec);
  return writer.close();
}

/** Adds export.xml (streamed from `appleHealthXml`) and the route files to a zip being written. */
export async function addAppleHealthMembers(writer: ZipWriter<unknown>, spec: AppleHealthSpec): Promise<void> {
  const encoder = new TextEncoder();
  const pieces = appleHealthXml(spec);
  await writer.add('apple_health_export/export.xml', new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  }), { zip64: true });
  for (let d = 0; d < spec.days; d += 2) {
    await writer.add(`apple_health_export/${routeFileName(spec, d)}`, new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(appleRouteGpx(spec, d)));
        controller.close();
      },
    }));
  }
  await writer.add('apple_health_export/export_cda.xml', new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>\n'));
      controller.close();
    },
  }));
}
