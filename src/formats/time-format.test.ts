import { describe, expect, it } from 'vitest';
import { IsoTimeFormatter, formatIsoLocal, formatIsoUtc, formatOffset } from './time-format.ts';

describe('IsoTimeFormatter', () => {
  it('matches toISOString for whole seconds across day boundaries and before 1990', () => {
    const formatter = new IsoTimeFormatter(0);
    for (const ms of [0, 631065600000 - 1000, Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2024, 2, 1, 0, 0, 0), Date.UTC(1985, 5, 1, 12, 0, 0)]) {
      expect(formatter.format(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    }
  });

  it('keeps milliseconds when present', () => {
    expect(formatIsoUtc(Date.UTC(2025, 0, 1, 0, 0, 0, 250))).toBe('2025-01-01T00:00:00.250Z');
  });

  it('writes local time with its offset', () => {
    const ms = Date.UTC(2025, 2, 30, 0, 30, 0);
    expect(formatIsoLocal(ms, 60)).toBe('2025-03-30T01:30:00+01:00');
    expect(formatIsoLocal(ms, -330)).toBe('2025-03-29T19:00:00-05:30');
    expect(formatIsoLocal(ms, 0)).toBe('2025-03-30T00:30:00+00:00');
  });

  it('formats offsets', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(0, true)).toBe('Z');
    expect(formatOffset(345)).toBe('+05:45');
  });
});
