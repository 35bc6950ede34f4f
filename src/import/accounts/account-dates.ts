// Times as the account exports write them: Apple Health's `2024-03-01 07:12:00 +0100`, Garmin's `2024-03-01T06:12:00.0`
// (GMT, no zone). Read strictly: what is not a real instant is undefined, never guessed.

import { isRealDay } from '../../model/validate.ts';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of `length` digits at `at`, or NaN if any is not a digit. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return Number.NaN;
    value = value * 10 + code;
  }
  return value;
}

/**
 * An Apple Health time (`2024-03-01 07:12:00 +0100`, always this fixed form): epoch ms, its UTC offset in minutes,
 * and its local calendar day; undefined if not one. Read by position, since export.xml holds millions of them.
 */
export function parseAppleTime(text: string | undefined): { ms: number; offsetMin: number; day: string } | undefined {
  if (text === undefined || text.length !== 25 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':' || text[19] !== ' ') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const sign = text[20] === '-' ? -1 : text[20] === '+' ? 1 : Number.NaN;
  const offsetMin = sign * (digits(text, 21, 2) * 60 + digits(text, 23, 2));
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && isLeap ? 29 : DAYS_IN_MONTH[month - 1];
  if (!(day >= 1 && day <= monthDays) || !(hour <= 23 && minute <= 59 && second <= 59) || Number.isNaN(offsetMin)) return undefined;
  return { ms: Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000, offsetMin, day: text.slice(0, 10) };
}

const GMT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z?$/;

/** A GMT time without a zone (`2024-03-01T06:12:00.0`) or epoch ms as a number; undefined if neither. */
export function parseGmtTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = GMT.exec(value);
  if (!m || !isRealDay(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Math.round(Number(m[7] ?? 0) * 1000));
}

/** Local midnight of `day` (`YYYY-MM-DD`) at `offsetMin`, as epoch ms. */
export function dayStartMs(day: string, offsetMin: number): number {
  return Date.parse(`${day}T00:00:00Z`) - offsetMin * 60_000;
}
