// Where the app's demo data ends: today, so the range presets ("Last 7 days", "Last month") find records.

const DAY_MS = 86_400_000;

/**
 * The end (exclusive, epoch ms UTC) of the demo the app loads: the start of the current UTC day at `nowMs`, so
 * its last day is yesterday. `?demo-end=YYYY-MM-DD` in `search` names the end day instead (the end-to-end tests
 * pin 2026-11-01, the presets' own end, for stable dates). The data is the same for the same end day.
 */
export function demoEndMs(search: string, nowMs: number): number {
  const asked = new URLSearchParams(search).get('demo-end');
  if (asked === null) return Math.floor(nowMs / DAY_MS) * DAY_MS;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(asked) ? Date.parse(`${asked}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== asked) {
    throw new RangeError(`?demo-end must be a day written YYYY-MM-DD, got "${asked}"`);
  }
  return ms;
}
