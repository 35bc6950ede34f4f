// The knobs of the demo generator and the two presets the app, the tests and the benchmarks use.

/** What to generate. Every field but `seed`, `endMs` and `days` has a default. */
export interface DemoOptions {
  /** Seed of every random choice; the same options always give the same data. */
  seed: number;
  /** End of the generated period, epoch ms UTC (exclusive); no clock is read. Default 2026-11-01T00:00:00Z. */
  endMs: number;
  /** Length of the period in days, ending on the UTC day before `endMs`. */
  days: number;
  /** Number of activities. Default: about 250 per 365 days. */
  activityCount?: number;
  /** Samples (seconds of moving time) in every activity; default: a realistic duration per sport (0.5–4 h). */
  samplesPerActivity?: number;
  /** Also make daily steps, weight and sleep. Default true. */
  includeHealth?: boolean;
  /** Number of generic records (time entries and transactions). Default 300. */
  genericCount?: number;
}

export type ResolvedDemoOptions = Required<Omit<DemoOptions, 'samplesPerActivity'>> & Pick<DemoOptions, 'samplesPerActivity'>;

/** Default end of the demo period: 2026-11-01T00:00:00Z. */
export const DEMO_END_MS = Date.UTC(2026, 10, 1);

/** A year of data: 250 activities of typical length (about 1.1 M samples), health every day, 300 generic records. */
export const DEMO_YEAR_OPTIONS: DemoOptions = {
  seed: 20_261_101,
  endMs: DEMO_END_MS,
  days: 365,
  activityCount: 250,
  includeHealth: true,
  genericCount: 300,
};

/** Six weeks with 30 short activities (900 samples each) and 40 generic records, for end-to-end tests. */
export const DEMO_SMALL_OPTIONS: DemoOptions = {
  seed: 7,
  endMs: DEMO_END_MS,
  days: 42,
  activityCount: 30,
  samplesPerActivity: 900,
  includeHealth: true,
  genericCount: 40,
};

/** Fills in defaults and checks ranges. */
export function resolveDemoOptions(options: Partial<DemoOptions>): ResolvedDemoOptions {
  const days = options.days ?? 365;
  const resolved: ResolvedDemoOptions = {
    seed: options.seed ?? DEMO_YEAR_OPTIONS.seed,
    endMs: options.endMs ?? DEMO_END_MS,
    days,
    activityCount: options.activityCount ?? Math.round((days * 250) / 365),
    samplesPerActivity: options.samplesPerActivity,
    includeHealth: options.includeHealth ?? true,
    genericCount: options.genericCount ?? 300,
  };
  if (!Number.isInteger(resolved.days) || resolved.days < 1) throw new RangeError(`demo days must be a positive integer, got ${resolved.days}`);
  if (!Number.isInteger(resolved.activityCount) || resolved.activityCount < 0) throw new RangeError(`demo activityCount must be a non-negative integer, got ${resolved.activityCount}`);
  if (resolved.samplesPerActivity !== undefined && (!Number.isInteger(resolved.samplesPerActivity) || resolved.samplesPerActivity < 2)) {
    throw new RangeError(`demo samplesPerActivity must be an integer ≥ 2, got ${resolved.samplesPerActivity}`);
  }
  if (!Number.isFinite(resolved.endMs)) throw new RangeError(`demo endMs must be finite, got ${resolved.endMs}`);
  return resolved;
}
