// The few per-activity FIT messages (file_id, device_info, timer events, laps, session, activity), built from an
// Activity with the generic definition/data builders. Field numbers, types and scales: FIT profile 21.217.

import type { Activity, DeviceInfo, Lap, Sport, SubSport, Totals } from '../../model/records.ts';
import {
  FIT_ENUM, FIT_STRING, FIT_UINT16, FIT_UINT32, FIT_UINT32Z, FIT_UINT8, MESG_ACTIVITY, MESG_DEVICE_INFO, MESG_EVENT,
  MESG_FILE_ID, MESG_LAP, MESG_SESSION, encodeDataMessage, encodeDefinition, encodeFitString, fitTimeFromMs, scaled,
  type FitField,
} from './parts.ts';

/** Local message types: one per global message, so each definition is written exactly once per file. */
export const LOCAL_FILE_ID = 0;
export const LOCAL_DEVICE_INFO = 1;
export const LOCAL_EVENT = 2;
export const LOCAL_RECORD = 3;
export const LOCAL_LAP = 4;
export const LOCAL_SESSION = 5;
export const LOCAL_ACTIVITY = 6;

/** Profile type `sport`: our Sport names are its value names. */
const FIT_SPORT: Record<Sport, number> = {
  generic: 0, running: 1, cycling: 2, transition: 3, swimming: 5, training: 10, walking: 11, cross_country_skiing: 12,
  alpine_skiing: 13, rowing: 15, hiking: 17, paddling: 19, stand_up_paddleboarding: 37, kayaking: 41,
};

/** Profile type `sub_sport`. */
const FIT_SUB_SPORT: Record<SubSport, number> = {
  generic: 0, treadmill: 1, street: 2, trail: 3, track: 4, indoor_cycling: 6, road: 7, mountain: 8,
  indoor_rowing: 14, lap_swimming: 17, open_water: 18,
};

/** Profile type `manufacturer`, for the names a device record is likely to carry (lowercase, letters and digits only). */
const FIT_MANUFACTURER: Record<string, number> = {
  garmin: 1, suunto: 23, wahoo: 32, wahoofitness: 32, stryd: 95, polar: 123, polarelectro: 123, zwift: 260,
  strava: 265, bryton: 267, hammerhead: 289, coros: 294, whoop: 305, zepp: 339, huawei: 348, development: 255,
};
/** `manufacturer` value `development`: what we write when the device is unknown. */
export const FIT_MANUFACTURER_DEVELOPMENT = 255;

// Enum values from the profile types `file`, `event`, `event_type`, `timer_trigger`, `lap_trigger`,
// `session_trigger`, `activity` and `device_index`.
const FILE_ACTIVITY = 4;
const EVENT_TIMER = 0;
const EVENT_SESSION = 8;
const EVENT_LAP = 9;
const EVENT_ACTIVITY = 26;
const EVENT_TYPE_START = 0;
const EVENT_TYPE_STOP = 1;
const EVENT_TYPE_STOP_ALL = 4;
const TIMER_TRIGGER_MANUAL = 0;
const LAP_TRIGGER_MANUAL = 0;
const LAP_TRIGGER_SESSION_END = 7;
const SESSION_TRIGGER_ACTIVITY_END = 0;
const ACTIVITY_TYPE_MANUAL = 0;
const DEVICE_INDEX_CREATOR = 0;

/** `total_elapsed_time`/`total_timer_time`: uint32, scale 1000 (ms). */
const TIME_SCALE = 1000;
/** `total_distance`: uint32, scale 100 (cm). */
const DISTANCE_SCALE = 100;
/** `avg_speed`/`max_speed` and their enhanced forms: scale 1000 (mm/s). */
const SPEED_SCALE = 1000;
/** `software_version`: uint16, scale 100. */
const SOFTWARE_VERSION_SCALE = 100;

/** The FIT `manufacturer` value of a device's manufacturer name, `development` (255) when unknown. */
export function fitManufacturer(name: string | undefined): number {
  const key = (name ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return FIT_MANUFACTURER[key] ?? FIT_MANUFACTURER_DEVELOPMENT;
}

/** End of an activity, epoch ms: start plus elapsed time. */
export function activityEndMs(activity: Activity): number {
  const elapsedS = Number.isFinite(activity.totals.elapsedS) ? Math.max(0, activity.totals.elapsedS) : 0;
  return activity.startTimeMs + elapsedS * 1000;
}

/** A definition message followed by one data message; fields without a value are left out of both. */
function singleMessage(localMesg: number, globalMesg: number, fields: FitField[]): Uint8Array[] {
  const present = fields.filter((field) => field.value !== undefined);
  return [encodeDefinition(localMesg, globalMesg, present), encodeDataMessage(localMesg, present)];
}

function serialNumber(device: DeviceInfo | undefined): number | undefined {
  const text = device?.serialNumber?.trim();
  if (!text || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && value <= 0xffff_ffff ? value : undefined;
}

function softwareVersion(device: DeviceInfo | undefined): number | undefined {
  const match = /^\s*(\d+)(?:\.(\d{1,2}))?/.exec(device?.softwareVersion ?? '');
  if (!match) return undefined;
  return scaled(Number(`${match[1]}.${match[2] ?? '0'}`), SOFTWARE_VERSION_SCALE);
}

/** file_id: an activity file, with the device's manufacturer and product name when known. */
export function fileIdMessages(activity: Activity): Uint8Array[] {
  return singleMessage(LOCAL_FILE_ID, MESG_FILE_ID, [
    { num: 3, type: FIT_UINT32Z, value: serialNumber(activity.device) },
    { num: 4, type: FIT_UINT32, value: fitTimeFromMs(activity.startTimeMs) },
    { num: 1, type: FIT_UINT16, value: fitManufacturer(activity.device?.manufacturer) },
    { num: 0, type: FIT_ENUM, value: FILE_ACTIVITY },
    { num: 8, type: FIT_STRING, value: encodeFitString(activity.device?.product) },
  ]);
}

/** device_info of the creator device. */
export function deviceInfoMessages(activity: Activity): Uint8Array[] {
  return singleMessage(LOCAL_DEVICE_INFO, MESG_DEVICE_INFO, [
    { num: 253, type: FIT_UINT32, value: fitTimeFromMs(activity.startTimeMs) },
    { num: 3, type: FIT_UINT32Z, value: serialNumber(activity.device) },
    { num: 2, type: FIT_UINT16, value: fitManufacturer(activity.device?.manufacturer) },
    { num: 5, type: FIT_UINT16, value: softwareVersion(activity.device) },
    { num: 0, type: FIT_UINT8, value: DEVICE_INDEX_CREATOR },
    { num: 27, type: FIT_STRING, value: encodeFitString(activity.device?.product) },
  ]);
}

/** A timer start or stop, and where it goes among the records. */
export interface TimerEvent {
  timeMs: number;
  isStart: boolean;
  /**
   * Written before the first record at or after this instant: a start before the records of its second, a stop
   * after them, so records stamped with the pause's first second stay inside the timed part.
   */
  writeBeforeMs: number;
}

/**
 * The timer events of an activity: start at the start, stop_all at each pause start, start at each pause end,
 * stop_all at the end. Pauses are clamped to the activity and merged where they overlap.
 */
export function timerEvents(activity: Activity): TimerEvent[] {
  const startMs = activity.startTimeMs;
  const endMs = activityEndMs(activity);
  const pauses = activity.pauses
    .map((p) => ({ startMs: Math.max(startMs, p.startMs), endMs: Math.min(endMs, p.endMs) }))
    .filter((p) => p.endMs > p.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const merged: { startMs: number; endMs: number }[] = [];
  for (const pause of pauses) {
    const last = merged[merged.length - 1];
    if (last && pause.startMs <= last.endMs) last.endMs = Math.max(last.endMs, pause.endMs);
    else merged.push({ ...pause });
  }
  const events: TimerEvent[] = [timerEvent(startMs, true)];
  for (const pause of merged) {
    events.push(timerEvent(pause.startMs, false));
    // A pause lasting to the end leaves the timer stopped: no restart, and no second stop.
    if (pause.endMs < endMs) events.push(timerEvent(pause.endMs, true));
  }
  if (events[events.length - 1].isStart) events.push(timerEvent(endMs, false));
  return events;
}

function timerEvent(timeMs: number, isStart: boolean): TimerEvent {
  const secondMs = Math.floor(timeMs / 1000) * 1000;
  return { timeMs, isStart, writeBeforeMs: isStart ? secondMs : secondMs + 1000 };
}

function timerEventFields(event: TimerEvent): FitField[] {
  return [
    { num: 253, type: FIT_UINT32, value: fitTimeFromMs(event.timeMs) },
    { num: 3, type: FIT_UINT32, value: TIMER_TRIGGER_MANUAL },
    { num: 0, type: FIT_ENUM, value: EVENT_TIMER },
    { num: 1, type: FIT_ENUM, value: event.isStart ? EVENT_TYPE_START : EVENT_TYPE_STOP_ALL },
  ];
}

/** The event definition message (every timer event has the same layout). */
export function eventDefinition(): Uint8Array {
  return encodeDefinition(LOCAL_EVENT, MESG_EVENT, timerEventFields(timerEvent(0, true)));
}

/** One timer event data message. */
export function encodeTimerEvent(event: TimerEvent): Uint8Array {
  return encodeDataMessage(LOCAL_EVENT, timerEventFields(event));
}

/** Field numbers of the summary fields, which differ between lap and session. */
interface TotalsFieldNums {
  avgSpeed: number; maxSpeed: number; enhancedAvgSpeed: number; enhancedMaxSpeed: number;
  avgHeartRate: number; maxHeartRate: number; avgCadence: number; maxCadence: number;
  avgPower: number; maxPower: number; totalAscent: number; totalDescent: number; sport: number; subSport: number;
}

const LAP_NUMS: TotalsFieldNums = {
  avgSpeed: 13, maxSpeed: 14, enhancedAvgSpeed: 110, enhancedMaxSpeed: 111, avgHeartRate: 15, maxHeartRate: 16,
  avgCadence: 17, maxCadence: 18, avgPower: 19, maxPower: 20, totalAscent: 21, totalDescent: 22, sport: 25, subSport: 39,
};

const SESSION_NUMS: TotalsFieldNums = {
  avgSpeed: 14, maxSpeed: 15, enhancedAvgSpeed: 124, enhancedMaxSpeed: 125, avgHeartRate: 16, maxHeartRate: 17,
  avgCadence: 18, maxCadence: 19, avgPower: 20, maxPower: 21, totalAscent: 22, totalDescent: 23, sport: 5, subSport: 6,
};

/** Summary fields shared by lap and session; unknown totals write the invalid value, so every lap has one layout. */
function totalsFields(totals: Totals, startTimeMs: number, activity: Activity, nums: TotalsFieldNums): FitField[] {
  const avgSpeed = scaled(totals.avgSpeedMps, SPEED_SCALE);
  const maxSpeed = scaled(totals.maxSpeedMps, SPEED_SCALE);
  return [
    { num: 253, type: FIT_UINT32, value: fitTimeFromMs(startTimeMs + Math.max(0, totals.elapsedS || 0) * 1000) },
    { num: 2, type: FIT_UINT32, value: fitTimeFromMs(startTimeMs) },
    { num: 7, type: FIT_UINT32, value: scaled(totals.elapsedS, TIME_SCALE) },
    { num: 8, type: FIT_UINT32, value: scaled(totals.timerS, TIME_SCALE) },
    { num: 9, type: FIT_UINT32, value: scaled(totals.distanceM, DISTANCE_SCALE) },
    { num: nums.enhancedAvgSpeed, type: FIT_UINT32, value: avgSpeed },
    { num: nums.enhancedMaxSpeed, type: FIT_UINT32, value: maxSpeed },
    { num: 11, type: FIT_UINT16, value: totals.calories },
    { num: nums.avgSpeed, type: FIT_UINT16, value: avgSpeed },
    { num: nums.maxSpeed, type: FIT_UINT16, value: maxSpeed },
    { num: nums.avgPower, type: FIT_UINT16, value: totals.avgPowerW },
    { num: nums.maxPower, type: FIT_UINT16, value: totals.maxPowerW },
    { num: nums.totalAscent, type: FIT_UINT16, value: totals.ascentM },
    { num: nums.totalDescent, type: FIT_UINT16, value: totals.descentM },
    { num: nums.sport, type: FIT_ENUM, value: FIT_SPORT[activity.sport] ?? FIT_SPORT.generic },
    { num: nums.subSport, type: FIT_ENUM, value: FIT_SUB_SPORT[activity.subSport] ?? FIT_SUB_SPORT.generic },
    { num: nums.avgHeartRate, type: FIT_UINT8, value: totals.avgHeartRateBpm },
    { num: nums.maxHeartRate, type: FIT_UINT8, value: totals.maxHeartRateBpm },
    { num: nums.avgCadence, type: FIT_UINT8, value: totals.avgCadenceRpm },
    { num: nums.maxCadence, type: FIT_UINT8, value: totals.maxCadenceRpm },
  ];
}

/** The activity's laps, or one lap covering the whole activity when it has none (a FIT activity needs at least one). */
export function fitLaps(activity: Activity): Lap[] {
  if (activity.laps.length > 0) return activity.laps;
  return [{ ...activity.totals, startTimeMs: activity.startTimeMs, startIndex: 0, endIndex: activity.sampleCount }];
}

function lapFields(activity: Activity, lap: Lap, index: number, lapCount: number): FitField[] {
  return [
    ...totalsFields(lap, lap.startTimeMs, activity, LAP_NUMS),
    { num: 254, type: FIT_UINT16, value: index },
    { num: 0, type: FIT_ENUM, value: EVENT_LAP },
    { num: 1, type: FIT_ENUM, value: EVENT_TYPE_STOP },
    { num: 24, type: FIT_ENUM, value: index === lapCount - 1 ? LAP_TRIGGER_SESSION_END : LAP_TRIGGER_MANUAL },
  ];
}

/** The lap definition and one data message per lap. */
export function lapMessages(activity: Activity): Uint8Array[] {
  const laps = fitLaps(activity);
  const fields = laps.map((lap, index) => lapFields(activity, lap, index, laps.length));
  return [encodeDefinition(LOCAL_LAP, MESG_LAP, fields[0]), ...fields.map((f) => encodeDataMessage(LOCAL_LAP, f))];
}

/** The single session, covering all laps. */
export function sessionMessages(activity: Activity): Uint8Array[] {
  return singleMessage(LOCAL_SESSION, MESG_SESSION, [
    ...totalsFields(activity.totals, activity.startTimeMs, activity, SESSION_NUMS),
    { num: 254, type: FIT_UINT16, value: 0 },
    { num: 25, type: FIT_UINT16, value: 0 },
    { num: 26, type: FIT_UINT16, value: fitLaps(activity).length },
    { num: 0, type: FIT_ENUM, value: EVENT_SESSION },
    { num: 1, type: FIT_ENUM, value: EVENT_TYPE_STOP },
    { num: 28, type: FIT_ENUM, value: SESSION_TRIGGER_ACTIVITY_END },
  ]);
}

/** The activity message: one session, timer total, and the end in UTC and in local time. */
export function activityMessages(activity: Activity): Uint8Array[] {
  const endFitS = fitTimeFromMs(activityEndMs(activity));
  return singleMessage(LOCAL_ACTIVITY, MESG_ACTIVITY, [
    { num: 253, type: FIT_UINT32, value: endFitS },
    { num: 0, type: FIT_UINT32, value: scaled(activity.totals.timerS, TIME_SCALE) },
    // local_date_time is a plain uint32: UTC FIT seconds shifted by the offset (profile type `local_date_time`).
    { num: 5, type: FIT_UINT32, value: endFitS + Math.round(activity.utcOffsetMin * 60) },
    { num: 1, type: FIT_UINT16, value: 1 },
    { num: 2, type: FIT_ENUM, value: ACTIVITY_TYPE_MANUAL },
    { num: 3, type: FIT_ENUM, value: EVENT_ACTIVITY },
    { num: 4, type: FIT_ENUM, value: EVENT_TYPE_STOP },
  ]);
}
