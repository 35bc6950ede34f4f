import { describe, expect, it } from 'vitest';
import { timeUnitsProblem } from './request.ts';

describe('timeUnitsProblem', () => {
  it('accepts both time styles, both unit systems and their absence', () => {
    expect(timeUnitsProblem({})).toBeUndefined();
    expect(timeUnitsProblem({ timeStyle: 'local', units: 'metric' })).toBeUndefined();
    expect(timeUnitsProblem({ timeStyle: 'utc', units: 'imperial' })).toBeUndefined();
  });

  it('names a wrong time style or unit system and the accepted values', () => {
    expect(timeUnitsProblem({ timeStyle: 'UTC' })).toBe('time style "UTC" is unknown (expected "local" or "utc")');
    expect(timeUnitsProblem({ units: 'us' })).toBe('units "us" are unknown (expected "metric" or "imperial")');
    expect(timeUnitsProblem({ units: 1 })).toBe('units 1 are unknown (expected "metric" or "imperial")');
  });
});
