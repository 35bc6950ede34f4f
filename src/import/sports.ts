// Sport names in device files (FIT profile enums, TCX/GPX free text) to the model's Sport and SubSport.

import type { Sport, SubSport } from '../model/records.ts';

/** FIT profile `sport` values (as the SDK names them) the model has a sport for. */
const FIT_SPORTS: Record<string, Sport> = {
  running: 'running', cycling: 'cycling', walking: 'walking', hiking: 'hiking', swimming: 'swimming',
  rowing: 'rowing', training: 'training', fitnessEquipment: 'training', generic: 'generic', eBiking: 'cycling',
  transition: 'transition', paddling: 'paddling', standUpPaddleboarding: 'stand_up_paddleboarding', kayaking: 'kayaking',
  crossCountrySkiing: 'cross_country_skiing', alpineSkiing: 'alpine_skiing', mountaineering: 'hiking',
};

/** FIT profile `sub_sport` values the model has a sub-sport for. */
const FIT_SUB_SPORTS: Record<string, SubSport> = {
  generic: 'generic', road: 'road', trail: 'trail', track: 'track', treadmill: 'treadmill', mountain: 'mountain',
  indoorCycling: 'indoor_cycling', lapSwimming: 'lap_swimming', openWater: 'open_water', street: 'street',
  indoorRowing: 'indoor_rowing', virtualActivity: 'generic',
};

/**
 * The sport a machine's sub-sport implies, for files that say only `fitness_equipment` (or `generic`) as the
 * sport: an indoor rower writes `fitness_equipment` + `indoor_rowing`, a trainer `fitness_equipment` + `indoor_cycling`.
 */
const SPORT_OF_SUB_SPORT: Partial<Record<SubSport, Sport>> = {
  indoor_rowing: 'rowing', indoor_cycling: 'cycling', treadmill: 'running', lap_swimming: 'swimming', open_water: 'swimming',
};

/** Sport and sub-sport of a FIT `session`/`sport` message's `sport` and `subSport` values (names or numbers). */
export function sportOfFit(sport: unknown, subSport: unknown): { sport: Sport; subSport: SubSport } {
  const sub = FIT_SUB_SPORTS[String(subSport)] ?? 'generic';
  const named = FIT_SPORTS[String(sport)] ?? 'generic';
  const isVague = named === 'generic' || sport === 'fitnessEquipment';
  return { sport: (isVague ? SPORT_OF_SUB_SPORT[sub] : undefined) ?? named, subSport: sub };
}

/**
 * Sport from free text (`Running`, `road_biking`, `Biking`, `hike`, Strava's `StandUpPaddling`, `VirtualRow`,
 * `NordicSki`…); anything unknown is `generic`. Checked in order, so `indoor_rowing` is rowing, never running.
 */
export function sportFromText(text: string | undefined): Sport {
  const value = (text ?? '').toLowerCase();
  if (/transition/.test(value)) return 'transition';
  if (/stand.?up.?paddl|paddle.?board|\bsup\b/.test(value)) return 'stand_up_paddleboarding';
  if (/kayak|canoe/.test(value)) return 'kayaking';
  if (/paddl/.test(value)) return 'paddling';
  if (/row/.test(value)) return 'rowing';
  if (/cross.?country.?ski|nordic.?ski|backcountry.?ski|skat.*ski|classic.?ski/.test(value)) return 'cross_country_skiing';
  if (/ski|snowboard/.test(value)) return 'alpine_skiing';
  if (/run|jog/.test(value)) return 'running';
  if (/bik|cycl|ride|bicycl/.test(value)) return 'cycling';
  if (/walk/.test(value)) return 'walking';
  if (/hik/.test(value)) return 'hiking';
  if (/swim/.test(value)) return 'swimming';
  if (/training|strength|cardio|fitness/.test(value)) return 'training';
  return 'generic';
}

/** Sub-sport from the same free text (`indoor_rowing`, `VirtualRow`, `treadmill`, `trail_running`, `lap swimming`…). */
export function subSportFromText(text: string | undefined): SubSport {
  const value = (text ?? '').toLowerCase();
  if (/indoor.?row|virtual.?row|ergometer|\berg\b/.test(value)) return 'indoor_rowing';
  if (/treadmill|indoor.?run/.test(value)) return 'treadmill';
  if (/indoor.?(cycl|bik|ride)|virtual.?ride|trainer|spin/.test(value)) return 'indoor_cycling';
  if (/trail/.test(value)) return 'trail';
  if (/mountain.?bik|\bmtb\b/.test(value)) return 'mountain';
  if (/lap.?swim|pool/.test(value)) return 'lap_swimming';
  if (/open.?water/.test(value)) return 'open_water';
  if (/road/.test(value)) return 'road';
  return 'generic';
}
