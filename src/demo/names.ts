// Activity names in the languages spoken at each home base, with a few Unicode and XML-special ones on purpose.

import type { Sport } from '../model/records.ts';
import type { HomeBase } from './places.ts';
import type { SeededRandom } from './random.ts';

type NamePool = Partial<Record<Sport, readonly string[]>>;

const NAMES: Record<HomeBase['id'], NamePool> = {
  berlin: {
    running: ['Tiergarten-Runde', 'Вечерняя пробежка', 'Утренняя пробежка', 'Lauf am Landwehrkanal', 'Tempelhofer Feld Laps'],
    cycling: ['Café & <Crêpes> ride', 'Havel-Runde', 'Ride to "Müggelsee" & back'],
    walking: ['Spaziergang im Park', 'Kiez-Spaziergang'],
    hiking: ['Grunewald: Teufelsberg & Havelhöhe'],
    swimming: ['Stadtbad Neukölln', 'Pool Swim'],
  },
  zurich: {
    running: ['Zürich See-Runde', 'Πρωινό τρέξιμο', 'Uetliberg Trail', 'Limmat Lauf'],
    cycling: ['Albis-Pass & back', 'Pfannenstiel <loop>', 'Seeufer Ride'],
    walking: ['Limmat-Spaziergang', 'Altstadt-Bummel'],
    hiking: ['Wanderung Üetliberg–Felsenegg', 'Zürichberg Wanderung'],
    swimming: ['Hallenbad City', 'Schwimmen 🏊'],
  },
  kyoto: {
    running: ['皇居ラン', '鴨川ラン', 'Kamo River Run 🏃'],
    cycling: ['鴨川サイクリング', 'Arashiyama Ride'],
    walking: ['哲学の道 walk', '散歩'],
    hiking: ['大文字山ハイキング', 'Fushimi Inari 千本鳥居 hike'],
    swimming: ['プール', 'Pool Swim'],
  },
};

const GENERIC: Record<Sport, [morning: string, evening: string]> = {
  running: ['Morning Run', 'Evening Run'],
  cycling: ['Morning Ride', 'Evening Ride'],
  walking: ['Morning Walk', 'Evening Walk'],
  hiking: ['Morning Hike', 'Afternoon Hike'],
  swimming: ['Morning Swim', 'Evening Swim'],
  rowing: ['Morning Row', 'Evening Row'],
  training: ['Morning Workout', 'Evening Workout'],
  transition: ['Transition', 'Transition'],
  paddling: ['Morning Paddle', 'Evening Paddle'],
  stand_up_paddleboarding: ['Morning SUP', 'Evening SUP'],
  kayaking: ['Morning Kayak', 'Evening Kayak'],
  cross_country_skiing: ['Morning Ski', 'Afternoon Ski'],
  alpine_skiing: ['Ski Day', 'Ski Afternoon'],
  generic: ['Morning Activity', 'Evening Activity'],
};

/** Picks a name: half the time a place-specific one, else the device-style "Morning Run" by local hour. */
export function pickActivityName(random: SeededRandom, sport: Sport, base: HomeBase, localHour: number): string {
  const pool = NAMES[base.id][sport];
  if (pool && random.chance(0.5)) return random.pick(pool);
  return GENERIC[sport][localHour < 12 ? 0 : 1];
}

/** Race names by base. */
export function pickRaceName(random: SeededRandom, base: HomeBase): string {
  const races: Record<HomeBase['id'], readonly string[]> = {
    berlin: ['Berliner Halbmarathon', 'Parkrun Hasenheide #142'],
    zurich: ['Zürich Silvesterlauf', 'Greifenseelauf'],
    kyoto: ['京都マラソン', 'Kyoto Ekiden 10K'],
  };
  return random.pick(races[base.id]);
}

/** A few notes, some on several lines (CSV quoting) and some with markup characters. */
export const ACTIVITY_NOTES: readonly string[] = [
  'Felt strong today.',
  'Legs heavy after yesterday.\nKept it easy; HR drifted up in the heat.',
  'New shoes — 2nd run. Left knee "OK".',
  'Wind from the west, 5 < 10 km/h & dry.',
  'Stopped at the café for a while.',
];
