// Numbers and times written as text in device files and tables, read strictly: what is not plainly a decimal or
// a real instant is refused, never guessed (`0x10` is not 16, 2023-02-30 is not 2 March).

import { ExportError } from '../model/errors.ts';
import { isRealDay } from '../model/validate.ts';

/** A decimal as xsd:decimal and xsd:double write it (sign, digits, fraction, exponent); not hex, binary, `Infinity` or `NaN`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value of a decimal text (surrounding blanks allowed), or NaN for anything else and for what overflows to ±Infinity. */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** Parses a decimal; throws `INVALID_INPUT` naming the element for anything else (`undefined`, `high`, `0x10`…). */
export function parseNumber(value: string, what: string): number {
  const parsed = parseDecimal(value);
  if (Number.isNaN(parsed)) throw new ExportError('INVALID_INPUT', `${what} is not a number: "${value.slice(0, 60)}"`);
  return parsed;
}

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses an `xsd:dateTime` to epoch ms (no zone means UTC, as GPX/TCX writers intend); throws `INVALID_INPUT` otherwise. */
export function parseDateTimeMs(value: string, what: string): number {
  const match = DATE_TIME.exec(value);
  const normalized = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const isReal = match !== null && isRealDay(Number(match[1]), Number(match[2]), Number(match[3]));
  const timeMs = isReal ? Date.parse(normalized) : Number.NaN;
  if (!Number.isFinite(timeMs)) throw new ExportError('INVALID_INPUT', `${what} is not a valid dateTime: "${value.slice(0, 60)}"`);
  return timeMs;
}
