// Local time for the demo's home bases, with daylight saving time taken from the platform's IANA zone data.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(timeZone: string, timeMs: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(timeMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second };
}

/** Offset of local time from UTC in minutes at an instant, e.g. 120 for Europe/Berlin in July, 60 in January. */
export function utcOffsetMinAt(timeZone: string, timeMs: number): number {
  const w = wallClock(timeZone, timeMs);
  const wallAsUtcMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const wholeSecondMs = Math.floor(timeMs / 1000) * 1000;
  return Math.round((wallAsUtcMs - wholeSecondMs) / 60_000);
}

/**
 * The instant a local wall-clock time happens in a zone. Times skipped by a DST jump resolve to the offset
 * before the jump (the wall time then reads an hour later), which is all the demo needs.
 */
export function localToUtcMs(timeZone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  const wallAsUtcMs = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const guessMs = wallAsUtcMs - utcOffsetMinAt(timeZone, wallAsUtcMs) * 60_000;
  return wallAsUtcMs - utcOffsetMinAt(timeZone, guessMs) * 60_000;
}

/** Local calendar date `YYYY-MM-DD` of an instant in a zone. */
export function localDateOf(timeZone: string, timeMs: number): string {
  const w = wallClock(timeZone, timeMs);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
