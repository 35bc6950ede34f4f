// Where the demo ends, as the app and the CLI both choose it: by default the start of the current UTC day, so its
// last day is yesterday and every range preset finds records; or a named end day, which gives the same data again.

const DAY_MS = 86_400_000;

/** The start of the UTC day of `nowMs`: a demo ending here has yesterday as its last day. */
export function demoEndToday(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` as the start of that UTC day; throws a RangeError naming `what` for anything but a real day. */
export function demoEndDay(text: string, what: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`${what} must be a day written YYYY-MM-DD, got "${text}"`);
  }
  return ms;
}
