// Makes an activity's 1 Hz samples lazily, chunk by chunk, from its plan alone: the same plan always gives the
// same bytes, so a track can be walked as often as needed without keeping it in memory.

import { TRACK_CHUNK_SIZE, type Channel, type TrackChunk } from '../model/records.ts';
import type { ActivityPlan } from './plan.ts';
import { EARTH_RADIUS_M, haversineM } from '../model/geometry.ts';
import { terrainAltitudeM } from './places.ts';
import { SeededRandom } from './random.ts';

const HEART_RATE_MIN_BPM = 90;
const HEART_RATE_MAX_BPM = 190;
/** Heart rate follows effort with this time constant, seconds. */
const HEART_RATE_LAG_S = 25;
/** Rider plus bike (kg), rolling resistance, drag area (m²) and air density (kg/m³) for the power model. */
const RIDER_MASS_KG = 85;
const ROLLING_RESISTANCE = 0.005;
const DRAG_AREA_M2 = 0.4;
const AIR_DENSITY = 1.2;
const DRIVETRAIN_EFFICIENCY = 0.97;
const GRAVITY = 9.81;

/** Mutable state of the walk through the samples. */
interface TrackState {
  random: SeededRandom;
  lat: number;
  lon: number;
  headingRad: number;
  curvatureRadPerS: number;
  distanceM: number;
  /** Unrounded terrain altitude, for the gradient. */
  terrainM: number;
  gradient: number;
  speedNoise: number;
  heartRateBpm: number;
  timeMs: number;
  pauseIndex: number;
  dropoutStart: number;
  dropoutEnd: number;
}

/** Yields the activity's track in chunks of `TRACK_CHUNK_SIZE` samples (fresh arrays every time). */
export function* generateTrack(plan: ActivityPlan): Generator<TrackChunk> {
  const random = new SeededRandom(plan.trackSeed);
  const hasDropout = random.chance(0.1);
  const dropoutStart = hasDropout ? random.int(Math.floor(plan.sampleCount / 4), Math.floor(plan.sampleCount / 2)) : -1;
  const state: TrackState = {
    random,
    lat: plan.startLat,
    lon: plan.startLon,
    headingRad: random.range(0, 2 * Math.PI),
    curvatureRadPerS: 0,
    distanceM: 0,
    terrainM: plan.profile.hasGps ? terrainAltitudeM(plan.base, plan.startLat, plan.startLon, plan.profile.terrainScale) : 0,
    gradient: 0,
    speedNoise: 0,
    heartRateBpm: random.range(HEART_RATE_MIN_BPM + 2, HEART_RATE_MIN_BPM + 10),
    timeMs: plan.startTimeMs,
    pauseIndex: 0,
    dropoutStart,
    dropoutEnd: hasDropout ? dropoutStart + random.int(5, 20) : -1,
  };
  const channels = new Set<Channel>(plan.profile.channels);
  for (let seq = 0, startIndex = 0; startIndex < plan.sampleCount; seq++, startIndex += TRACK_CHUNK_SIZE) {
    const count = Math.min(TRACK_CHUNK_SIZE, plan.sampleCount - startIndex);
    const chunk = allocateChunk(plan.id, seq, startIndex, count, channels);
    for (let k = 0; k < count; k++) writeSample(plan, state, chunk, k, startIndex + k);
    yield chunk;
  }
}

function allocateChunk(activityId: string, seq: number, startIndex: number, count: number, channels: Set<Channel>): TrackChunk {
  const f64 = (channel: Channel) => (channels.has(channel) ? new Float64Array(count) : undefined);
  const f32 = (channel: Channel) => (channels.has(channel) ? new Float32Array(count) : undefined);
  const chunk: TrackChunk = { activityId, seq, startIndex, count, timeMs: new Float64Array(count) };
  const optional: Partial<TrackChunk> = {
    lat: f64('lat'), lon: f64('lon'), altitudeM: f32('altitudeM'), heartRateBpm: f32('heartRateBpm'),
    cadenceRpm: f32('cadenceRpm'), powerW: f32('powerW'), speedMps: f32('speedMps'), distanceM: f64('distanceM'),
    temperatureC: f32('temperatureC'),
  };
  for (const [key, value] of Object.entries(optional)) if (value) Object.assign(chunk, { [key]: value });
  return chunk;
}

function writeSample(plan: ActivityPlan, s: TrackState, chunk: TrackChunk, k: number, i: number): void {
  const profile = plan.profile;
  const sport = profile.sport;
  const random = s.random;

  if (i > 0) {
    s.timeMs += 1000;
    const pause = plan.pauses[s.pauseIndex];
    if (pause && pause.afterIndex === i - 1) {
      s.timeMs += pause.durationMs;
      s.pauseIndex++;
      // Resting: heart rate falls towards the floor with a one-minute time constant.
      s.heartRateBpm = HEART_RATE_MIN_BPM + (s.heartRateBpm - HEART_RATE_MIN_BPM) * Math.exp(-pause.durationMs / 60_000);
    }
  }

  // Speed: the sport's pace × the day's effort × the workout structure × the slope × slow noise.
  s.speedNoise = 0.97 * s.speedNoise + 0.0097 * random.normal();
  const warmUp = Math.min(1, 0.55 + i / 150);
  const speedMps = Math.max(0.3, profile.speedMps * plan.effort * workoutFactor(plan, i) * slopeFactor(sport, s.gradient) * (1 + s.speedNoise) * warmUp);

  if (i > 0) move(plan, s, speedMps, i);

  const powerW = sport === 'cycling' ? cyclingPowerW(speedMps, s.gradient, random) : 0;
  const load = sport === 'cycling'
    ? 0.4 + (0.35 * powerW) / 220
    : Math.max(0.3, (speedMps * (1 + 8 * s.gradient)) / profile.speedMps) * BASE_INTENSITY[sport];
  const targetBpm = 60 + 128 * load + 0.002 * i;
  s.heartRateBpm += (targetBpm - s.heartRateBpm) / HEART_RATE_LAG_S;

  chunk.timeMs[k] = s.timeMs;
  if (chunk.lat) chunk.lat[k] = s.lat;
  if (chunk.lon) chunk.lon[k] = s.lon;
  if (chunk.altitudeM) chunk.altitudeM[k] = Math.round(s.terrainM * 10) / 10;
  if (chunk.heartRateBpm) {
    const isDropout = i >= s.dropoutStart && i < s.dropoutEnd;
    chunk.heartRateBpm[k] = isDropout ? NaN : clamp(Math.round(s.heartRateBpm + 0.8 * random.normal()), HEART_RATE_MIN_BPM, HEART_RATE_MAX_BPM);
  }
  if (chunk.cadenceRpm) chunk.cadenceRpm[k] = cadenceRpm(sport, speedMps / (profile.speedMps * plan.effort), s.gradient, powerW, random);
  if (chunk.powerW) chunk.powerW[k] = powerW;
  if (chunk.speedMps) chunk.speedMps[k] = speedMps;
  if (chunk.distanceM) chunk.distanceM[k] = s.distanceM;
  if (chunk.temperatureC) {
    // The watch sits on a warm wrist: it reads a few degrees above the air, more as the body warms up.
    const bodyWarmthC = sport === 'swimming' ? 0 : 2 + 2 * Math.min(1, i / 900);
    chunk.temperatureC[k] = Math.round(plan.airTemperatureC + bodyWarmthC);
  }
}

const BASE_INTENSITY: Record<string, number> = { running: 0.74, walking: 0.45, hiking: 0.55, swimming: 0.65 };

/** Moves one second at `speedMps`: a smooth wandering heading, turning back home over the second half. */
function move(plan: ActivityPlan, s: TrackState, speedMps: number, i: number): void {
  if (!plan.profile.hasGps) {
    s.distanceM += speedMps;
    return;
  }
  const random = s.random;
  s.curvatureRadPerS = 0.995 * s.curvatureRadPerS + 0.0015 * random.normal() * Math.min(1, speedMps / 3);
  s.headingRad += s.curvatureRadPerS;
  const progress = i / plan.sampleCount;
  if (progress > 0.5) {
    const homeward = bearingRad(s.lat, s.lon, plan.startLat, plan.startLon);
    const turn = wrapAngle(homeward - s.headingRad);
    const pull = Math.min(1, (progress - 0.5) * 4);
    s.headingRad += clamp(turn, -0.08, 0.08) * pull;
  }
  const latRad = (s.lat * Math.PI) / 180;
  const nextLat = s.lat + ((speedMps * Math.cos(s.headingRad)) / EARTH_RADIUS_M) * (180 / Math.PI);
  const nextLon = s.lon + ((speedMps * Math.sin(s.headingRad)) / (EARTH_RADIUS_M * Math.cos(latRad))) * (180 / Math.PI);
  // Positions are kept at 1e-7° (about 1 cm), and the distance is summed from those very positions,
  // so distanceM agrees with the coordinates to the last digit.
  const roundedLat = Math.round(nextLat * 1e7) / 1e7;
  const roundedLon = Math.round(nextLon * 1e7) / 1e7;
  const stepM = haversineM(s.lat, s.lon, roundedLat, roundedLon);
  s.lat = roundedLat;
  s.lon = roundedLon;
  s.distanceM += stepM;
  const terrainM = terrainAltitudeM(plan.base, s.lat, s.lon, plan.profile.terrainScale);
  if (stepM > 0.2) s.gradient = 0.8 * s.gradient + 0.2 * clamp((terrainM - s.terrainM) / stepM, -0.3, 0.3);
  s.terrainM = terrainM;
}

/** Interval runs alternate 2 min hard and 2 min easy after a warm-up, with a cool-down. */
function workoutFactor(plan: ActivityPlan, i: number): number {
  if (!plan.isIntervals) return 1;
  const progress = i / plan.sampleCount;
  if (progress < 0.15) return 0.9;
  if (progress > 0.9) return 0.85;
  return Math.floor((i - plan.sampleCount * 0.15) / 120) % 2 === 0 ? 1.3 : 0.75;
}

function slopeFactor(sport: string, gradient: number): number {
  switch (sport) {
    case 'running': return clamp(1 - 3 * gradient, 0.55, 1.25);
    case 'walking':
    case 'hiking': return clamp(1 - 4 * gradient, 0.45, 1.2);
    case 'cycling': return clamp(1 - 7 * gradient, 0.35, 1.6);
    default: return 1;
  }
}

/** Watts to hold `speedMps` up `gradient`: gravity, rolling resistance and drag; below 15 W the rider coasts. */
function cyclingPowerW(speedMps: number, gradient: number, random: SeededRandom): number {
  const resistiveW = RIDER_MASS_KG * GRAVITY * speedMps * (gradient + ROLLING_RESISTANCE);
  const dragW = 0.5 * AIR_DENSITY * DRAG_AREA_M2 * speedMps ** 3;
  const powerW = (resistiveW + dragW) / DRIVETRAIN_EFFICIENCY + 8 * random.normal();
  return powerW < 15 ? 0 : Math.min(1_200, Math.round(powerW));
}

/** Cadence in the FIT convention: strides (not steps) per minute on foot, pedal revolutions on a bike, strokes in the pool. */
function cadenceRpm(sport: string, relativeSpeed: number, gradient: number, powerW: number, random: SeededRandom): number {
  const jitter = random.normal();
  switch (sport) {
    case 'running': return clamp(Math.round(84 + 8 * (relativeSpeed - 1) + 0.8 * jitter), 80, 92);
    case 'walking': return clamp(Math.round(56 + 6 * (relativeSpeed - 1) + 0.8 * jitter), 48, 62);
    case 'hiking': return clamp(Math.round(51 + 6 * (relativeSpeed - 1) + 0.8 * jitter), 42, 58);
    case 'cycling': return powerW === 0 ? 0 : clamp(Math.round(87 + 6 * (relativeSpeed - 1) - 40 * gradient + 2 * jitter), 70, 100);
    case 'swimming': return clamp(Math.round(28 + 4 * (relativeSpeed - 1) + jitter), 22, 36);
    default: return NaN;
  }
}

function bearingRad(fromLat: number, fromLon: number, toLat: number, toLon: number): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((toLon - fromLon) * toRad) * Math.cos(toLat * toRad);
  const x = Math.cos(fromLat * toRad) * Math.sin(toLat * toRad) - Math.sin(fromLat * toRad) * Math.cos(toLat * toRad) * Math.cos((toLon - fromLon) * toRad);
  return Math.atan2(y, x);
}

function wrapAngle(rad: number): number {
  return rad - 2 * Math.PI * Math.floor((rad + Math.PI) / (2 * Math.PI));
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
