import { describe, expect, it } from 'vitest';
import { buildRequest } from './request-args.ts';
import { UsageError } from './usage-error.ts';

const NOW_MS = Date.UTC(2025, 5, 1);

describe('--time-style and --units', () => {
  it('sets the time style and units of the request', () => {
    const request = buildRequest({ formats: 'csv,xlsx', timeStyle: 'utc', units: 'imperial' }, NOW_MS);
    expect(request.options.timeStyle).toBe('utc');
    expect(request.options.units).toBe('imperial');
  });

  it('leaves both out of the request when the flags are absent', () => {
    const request = buildRequest({ formats: 'csv' }, NOW_MS);
    expect(request.options).not.toHaveProperty('timeStyle');
    expect(request.options).not.toHaveProperty('units');
  });

  it('refuses unknown values with a usage error naming the flag and the value', () => {
    expect(() => buildRequest({ formats: 'csv', timeStyle: 'gmt' }, NOW_MS)).toThrow(UsageError);
    expect(() => buildRequest({ formats: 'csv', timeStyle: 'gmt' }, NOW_MS)).toThrow('--time-style must be "local" or "utc", got "gmt"');
    expect(() => buildRequest({ formats: 'csv', units: 'si' }, NOW_MS)).toThrow('--units must be "metric" or "imperial", got "si"');
  });
});

describe('flags the request schema refuses', () => {
  it.each([
    [{ level: '12' }, '--level must be a whole number from 0 to 9, got 12'],
    [{ level: '' }, '--level must be a whole number from 0 to 9, got NaN'],
    [{ gpxDialect: 'tpx' }, '--gpx-dialect must be one of "garmin-tpx-v1", "garmin-tpx-v2", "plain", got "tpx"'],
    [{ report: 'weekly' }, '--report must be one of "year-in-review", "monthly", "health", got "weekly"'],
    [{ privacyZones: ['52.5,13.4,300'], privacyMode: 'all' }, '--privacy-mode must be "gps" or "sample", got "all"'],
    [{ privacyZones: ['52.5,13.4,300', '95,13.4,300'] }, '--privacy-zone ([1].latDeg) must be a number from -90 to 90, got 95'],
    [{ privacyZones: ['52.5,13.4,0'] }, '--privacy-zone ([0].radiusM) must be more than 0 m'],
    [{ privacyZones: ['52.5,13.4'] }, '--privacy-zone must be lat,lon,radius_m (e.g. 52.52,13.40,300), got "52.5,13.4"'],
    [{ privacyMode: 'gps' }, '--privacy-mode needs at least one --privacy-zone'],
    [{ timeShiftDays: '1.5' }, '--time-shift-days must be a whole number from -100000 to 100000, got 1.5'],
    [{ timeShiftDays: ' ' }, '--time-shift-days must be a whole number from -100000 to 100000, got NaN'],
    [{ from: '2025-03-01', to: '2025-02-01' }, '--from/--to fromMs 1740787200000 (2025-03-01T00:00:00.000Z) is not before toMs 1738368000000 (2025-02-01T00:00:00.000Z)'],
  ])('%j', (flags, message) => {
    expect(() => buildRequest({ formats: 'csv,pdf', ...flags }, NOW_MS)).toThrow(UsageError);
    expect(() => buildRequest({ formats: 'csv,pdf', ...flags }, NOW_MS)).toThrow(message);
  });

  it('builds a request with every privacy flag that the schema takes', () => {
    const request = buildRequest({
      formats: 'fit,csv', privacyZones: ['52.52,13.40,300'], privacyMode: 'sample', dropGps: true, dropSerials: true, pseudonymise: true, timeShiftDays: '-7',
    }, NOW_MS);
    expect(request.options.privacy).toEqual({ zones: [{ latDeg: 52.52, lonDeg: 13.4, radiusM: 300 }], zoneMode: 'sample', dropGps: true, dropSerials: true, pseudonymise: true, timeShiftDays: -7 });
  });
});
