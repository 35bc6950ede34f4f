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
    expect(() => buildRequest({ formats: 'csv', timeStyle: 'gmt' }, NOW_MS)).toThrow('--time-style must be local or utc, got "gmt"');
    expect(() => buildRequest({ formats: 'csv', units: 'si' }, NOW_MS)).toThrow('--units must be metric or imperial, got "si"');
  });
});
