// ISO 8601 formatting for hot loops. `toISOString` per sample is a large cost, so the date part is cached
// and only the time of day is rebuilt for samples of the same day.

import { type AsciiBytes, type BytePieceWriter, asciiBytes } from './text-writer.ts';

const DAY_MS = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** `+01:00` / `-05:30` / `Z` for an offset in minutes (`Z` only when `useZ` and the offset is 0). */
export function formatOffset(utcOffsetMin: number, useZ = false): string {
  if (utcOffsetMin === 0 && useZ) return 'Z';
  const sign = utcOffsetMin < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMin);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/**
 * Formats instants as ISO 8601 with a fixed offset, caching the calendar date.
 * Milliseconds are written only when not zero, so whole-second data stays short.
 */
export class IsoTimeFormatter {
  private dayStartMs = Number.NaN;
  private datePrefix = '';
  private datePrefixBytes: AsciiBytes = asciiBytes('');
  private readonly offsetMs: number;
  private readonly suffix: string;
  private readonly suffixBytes: AsciiBytes;

  /**
   * `utcOffsetMin` 0 writes `Z` (or `+00:00` when `useZ` is false); any other offset writes local time
   * with `+HH:MM`.
   */
  constructor(utcOffsetMin = 0, useZ = true) {
    this.offsetMs = utcOffsetMin * 60_000;
    this.suffix = formatOffset(utcOffsetMin, useZ);
    this.suffixBytes = asciiBytes(this.suffix);
  }

  format(timeMs: number): string {
    const ms = this.msOfDay(timeMs);
    const seconds = Math.floor(ms / 1000);
    const millis = ms - seconds * 1000;
    const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
    return millis === 0 ? `${this.datePrefix}${time}${this.suffix}` : `${this.datePrefix}${time}.${pad3(millis)}${this.suffix}`;
  }

  /** Writes the same text as `format(timeMs)` as bytes, without building a string (the hot-loop form). */
  write(out: BytePieceWriter, timeMs: number): void {
    const ms = this.msOfDay(timeMs);
    const seconds = Math.floor(ms / 1000);
    const millis = ms - seconds * 1000;
    out.bytes(this.datePrefixBytes);
    out.twoDigits(Math.floor(seconds / 3600)); // 24 only for the last half millisecond of a day, as in format()
    out.ascii(':');
    out.twoDigits(Math.floor(seconds / 60) % 60);
    out.ascii(':');
    out.twoDigits(seconds % 60);
    if (millis !== 0) {
      out.ascii('.');
      out.twoDigits(Math.floor(millis / 10));
      out.uint(millis % 10);
    }
    out.bytes(this.suffixBytes);
  }

  /** Rounded milliseconds since local midnight; moves the cached date when the day changes. */
  private msOfDay(timeMs: number): number {
    const localMs = timeMs + this.offsetMs;
    let msOfDay = localMs - this.dayStartMs;
    if (!(msOfDay >= 0 && msOfDay < DAY_MS)) {
      this.dayStartMs = Math.floor(localMs / DAY_MS) * DAY_MS;
      this.datePrefix = new Date(this.dayStartMs).toISOString().slice(0, 11);
      this.datePrefixBytes = asciiBytes(this.datePrefix);
      msOfDay = localMs - this.dayStartMs;
    }
    return Math.round(msOfDay);
  }
}

/** One-off ISO 8601 UTC with `Z`, whole seconds when possible. */
export function formatIsoUtc(timeMs: number): string {
  return new IsoTimeFormatter(0).format(timeMs);
}

/** One-off ISO 8601 in local time with its offset, e.g. `2025-03-01T07:12:00+01:00`. */
export function formatIsoLocal(timeMs: number, utcOffsetMin: number): string {
  const iso = new IsoTimeFormatter(utcOffsetMin).format(timeMs);
  return utcOffsetMin === 0 ? iso.replace(/Z$/, '+00:00') : iso;
}
