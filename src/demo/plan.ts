// Decides every activity up front, cheaply: sport, place, start, length, pauses, names and tags.
// The samples themselves come later from track.ts, seeded per activity so they can be made again at will.

import type { Channel, DeviceInfo, Sport, SubSport } from '../model/records.ts';
import type { DemoDay } from './calendar.ts';
import { ACTIVITY_NOTES, pickActivityName, pickRaceName } from './names.ts';
import type { ResolvedDemoOptions } from './options.ts';
import { seasonalTemperatureC, type HomeBase } from './places.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import { localToUtcMs, utcOffsetMinAt } from './time-zones.ts';

/** How a sport moves and what its device records. */
export interface SportProfile {
  sport: Sport;
  subSport: SubSport;
  /** Steady speed on the flat at normal effort, m/s. */
  speedMps: number;
  /** Moving time range when `samplesPerActivity` is not given, seconds. */
  durationS: readonly [number, number];
  /** A lap is recorded every this many metres. */
  lapDistanceM: number;
  hasGps: boolean;
  /** Relief multiplier of the terrain the sport seeks out. */
  terrainScale: number;
  channels: readonly Channel[];
}

const GPS_CHANNELS: readonly Channel[] = ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'speedMps', 'distanceM', 'temperatureC'];

export const SPORT_PROFILES: Record<'running' | 'cycling' | 'walking' | 'hiking' | 'swimming', SportProfile> = {
  running: { sport: 'running', subSport: 'road', speedMps: 2.9, durationS: [1_500, 4_500], lapDistanceM: 1_000, hasGps: true, terrainScale: 1, channels: GPS_CHANNELS },
  cycling: { sport: 'cycling', subSport: 'road', speedMps: 7.8, durationS: [3_600, 10_800], lapDistanceM: 5_000, hasGps: true, terrainScale: 1, channels: [...GPS_CHANNELS, 'powerW'] },
  walking: { sport: 'walking', subSport: 'generic', speedMps: 1.35, durationS: [1_500, 4_200], lapDistanceM: 1_000, hasGps: true, terrainScale: 1, channels: GPS_CHANNELS },
  hiking: { sport: 'hiking', subSport: 'generic', speedMps: 1.15, durationS: [7_200, 14_400], lapDistanceM: 1_000, hasGps: true, terrainScale: 2.2, channels: GPS_CHANNELS },
  swimming: {
    sport: 'swimming', subSport: 'lap_swimming', speedMps: 0.85, durationS: [1_800, 3_000], lapDistanceM: 100, hasGps: false, terrainScale: 0,
    channels: ['heartRateBpm', 'cadenceRpm', 'speedMps', 'distanceM', 'temperatureC'],
  },
};

type ProfileId = keyof typeof SPORT_PROFILES;

/** A timer stop after sample `afterIndex`: the next sample comes `durationMs` + 1 s later. */
export interface PlannedPause {
  afterIndex: number;
  durationMs: number;
}

/** Everything needed to make an activity's samples and metadata, without the samples. */
export interface ActivityPlan {
  index: number;
  id: string;
  /** Seed of this activity's track; the track is a pure function of the plan. */
  trackSeed: number;
  profile: SportProfile;
  base: HomeBase;
  startTimeMs: number;
  utcOffsetMin: number;
  sampleCount: number;
  pauses: PlannedPause[];
  startLat: number;
  startLon: number;
  /** Speed multiplier for the day (1 = normal, races ≈ 1.12). */
  effort: number;
  isIntervals: boolean;
  airTemperatureC: number;
  name: string;
  tags: string[];
  category: string;
  notes?: string;
  device: DeviceInfo;
}

const DEVICES: Record<'watch' | 'bike' | 'outdoor', DeviceInfo> = {
  watch: { manufacturer: 'garmin', product: 'forerunner_965', serialNumber: '3498123390', softwareVersion: '21.19' },
  bike: { manufacturer: 'garmin', product: 'edge_840', serialNumber: '3421987650', softwareVersion: '26.10' },
  outdoor: { manufacturer: 'garmin', product: 'fenix7', serialNumber: '3356104821', softwareVersion: '20.30' },
};

/** Special activities placed at random indices so every dataset of five or more has each sport and each edge case. */
type Special = 'intervals' | 'xml-ride' | 'walk' | 'hike' | 'swim' | 'race';
const SPECIALS: readonly Special[] = ['intervals', 'xml-ride', 'walk', 'hike', 'swim', 'race'];

/** Plans `options.activityCount` activities spread over the calendar, in start-time order. */
export function planActivities(options: ResolvedDemoOptions, calendar: readonly DemoDay[]): ActivityPlan[] {
  const random = new SeededRandom(deriveSeed(options.seed, 0xac7));
  const count = options.activityCount;
  const specials = new Map<number, Special>();
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  SPECIALS.forEach((special, i) => { if (i < count) specials.set(order[i], special); });

  const plans: ActivityPlan[] = [];
  let previousEndMs = -Infinity;
  for (let index = 0; index < count; index++) {
    const dayIndex = Math.min(calendar.length - 1, Math.floor(((index + random.next() * 0.9) * calendar.length) / count));
    const plan = planOne(options, random, index, calendar[dayIndex], specials.get(index), previousEndMs);
    plans.push(plan);
    previousEndMs = plan.startTimeMs + (plan.sampleCount - 1) * 1000 + plan.pauses.reduce((s, p) => s + p.durationMs, 0);
  }
  return plans;
}

function planOne(
  options: ResolvedDemoOptions, random: SeededRandom, index: number, day: DemoDay, special: Special | undefined, previousEndMs: number,
): ActivityPlan {
  const isWeekend = day.weekday === 0 || day.weekday === 6;
  let profileId: ProfileId = random.weighted<ProfileId>([['running', 45], ['cycling', 20], ['walking', 15], ['hiking', 8], ['swimming', 12]]);
  if (profileId === 'hiking' && !isWeekend) profileId = 'walking';
  if (special === 'intervals' || special === 'race') profileId = 'running';
  if (special === 'xml-ride') profileId = 'cycling';
  if (special === 'walk') profileId = 'walking';
  if (special === 'hike') profileId = 'hiking';
  if (special === 'swim') profileId = 'swimming';
  const profile = SPORT_PROFILES[profileId];
  const base = day.base;

  const isRace = special === 'race' || (profileId === 'running' && isWeekend && random.chance(0.06));
  const isCommute = !isRace && profileId === 'cycling' && !isWeekend && special === undefined && random.chance(0.45);
  const isIntervals = special === 'intervals' || (profileId === 'running' && !isRace && random.chance(0.15));

  let durationS = random.range(profile.durationS[0], profile.durationS[1]);
  if (isCommute) durationS = random.range(1_200, 2_700);
  const sampleCount = options.samplesPerActivity ?? Math.round(durationS) + 1;

  const localMinute = pickLocalStartMinute(random, profileId, isWeekend, isCommute, isRace);
  const proposedMs = localToUtcMs(base.timeZone, day.year, day.month, day.day, localMinute);
  // Activities never overlap: the next one starts at least 30 min after the previous one ended.
  const startTimeMs = Math.ceil(Math.max(proposedMs, previousEndMs + 1_800_000) / 1000) * 1000;

  const pauses = profileId === 'swimming'
    ? planPauses(random, sampleCount, random.int(2, 4), 120)
    : planPauses(random, sampleCount, special === 'xml-ride' ? 2 : random.chance(0.3) ? random.int(1, 3) : 0, 300);

  const startBearing = random.range(0, 2 * Math.PI);
  const startOffsetM = profile.hasGps ? random.range(0, 2_500) : 0;
  const startLat = base.lat + (startOffsetM * Math.cos(startBearing)) / 110_574;
  const startLon = base.lon + (startOffsetM * Math.sin(startBearing)) / (111_320 * Math.cos((base.lat * Math.PI) / 180));

  const localHour = localMinute / 60;
  const airTemperatureC = profileId === 'swimming'
    ? 28
    : seasonalTemperatureC(base, day.dayOfYear) + 3 * random.normal() + (localHour < 9 ? -3 : localHour > 12 && localHour < 18 ? 2 : 0);

  const name = special === 'xml-ride' ? 'Café & <Crêpes> ride'
    : isRace ? pickRaceName(random, base)
      : isCommute ? (localHour < 12 ? 'Commute to work' : 'Commute home')
        : pickActivityName(random, profile.sport, base, localHour);

  const tags: string[] = [];
  if (isCommute) tags.push('commute');
  if (isRace) tags.push('race');
  if (isIntervals) tags.push('intervals');
  if ((profileId === 'running' && sampleCount > 4_500) || (profileId === 'cycling' && sampleCount > 9_000)) tags.push('long');
  if (!isCommute && random.chance(0.12)) tags.push('with-friends');
  const category = isRace ? 'race' : isCommute ? 'commute' : profileId === 'walking' || profileId === 'hiking' ? 'leisure' : 'training';

  return {
    index,
    id: `demo-activity-${String(index + 1).padStart(5, '0')}`,
    trackSeed: deriveSeed(options.seed, 0x7ac, index),
    profile,
    base,
    startTimeMs,
    utcOffsetMin: utcOffsetMinAt(base.timeZone, startTimeMs),
    sampleCount,
    pauses,
    startLat: Math.round(startLat * 1e7) / 1e7,
    startLon: Math.round(startLon * 1e7) / 1e7,
    effort: isRace ? 1.12 : 1 + 0.05 * random.normal(),
    isIntervals,
    airTemperatureC,
    name,
    tags,
    category,
    notes: random.chance(0.1) ? random.pick(ACTIVITY_NOTES) : undefined,
    device: profileId === 'cycling' ? DEVICES.bike : profileId === 'hiking' ? DEVICES.outdoor : DEVICES.watch,
  };
}

function pickLocalStartMinute(random: SeededRandom, profileId: ProfileId, isWeekend: boolean, isCommute: boolean, isRace: boolean): number {
  if (isRace) return random.pick([9 * 60, 9 * 60 + 30, 10 * 60]);
  if (isCommute) return random.chance(0.5) ? random.int(7 * 60 + 30, 8 * 60 + 15) : random.int(17 * 60, 18 * 60);
  switch (profileId) {
    case 'running': return random.chance(0.55) ? random.int(6 * 60, 7 * 60 + 45) : random.int(17 * 60 + 30, 19 * 60 + 30);
    case 'cycling': return isWeekend ? random.int(8 * 60 + 30, 10 * 60 + 30) : random.int(16 * 60 + 30, 18 * 60);
    case 'walking': return random.chance(0.5) ? random.int(12 * 60, 13 * 60) : random.int(18 * 60, 20 * 60);
    case 'hiking': return random.int(9 * 60, 10 * 60 + 30);
    case 'swimming': return random.chance(0.5) ? random.int(6 * 60 + 30, 7 * 60 + 30) : random.int(19 * 60, 20 * 60);
  }
}

/** Up to `count` stops of 30–300 s (swims: 30–120 s rests) at distinct samples between 10 % and 90 % of the track. */
function planPauses(random: SeededRandom, sampleCount: number, count: number, maxS: number): PlannedPause[] {
  const first = Math.max(1, Math.floor(sampleCount * 0.1));
  const last = Math.min(sampleCount - 2, Math.floor(sampleCount * 0.9));
  const indices = new Set<number>();
  for (let i = 0; i < count && last >= first; i++) indices.add(random.int(first, last));
  return [...indices].sort((a, b) => a - b).map((afterIndex) => ({ afterIndex, durationMs: random.int(30, maxS) * 1000 }));
}
