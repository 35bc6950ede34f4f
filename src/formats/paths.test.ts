import { describe, expect, it } from 'vitest';
import { portablePath, slugify } from './paths.ts';

describe('portablePath', () => {
  it('escapes names Windows reserves before the first dot, in any segment and any case', () => {
    expect(portablePath('records/CON.csv')).toBe('records/CON_.csv');
    expect(portablePath('records/nul.2024.csv')).toBe('records/nul_.2024.csv');
    expect(portablePath('aux/com1')).toBe('aux_/com1_');
    expect(portablePath('records/LPT9.csv')).toBe('records/LPT9_.csv');
    expect(portablePath('records/COM\u00b9.csv')).toBe('records/COM\u00b9_.csv');
    expect(portablePath('records/CON .csv')).toBe('records/CON _.csv');
  });

  it('leaves ordinary names alone and turns trailing dots and spaces into _', () => {
    expect(portablePath('records/console.csv')).toBe('records/console.csv');
    expect(portablePath('records/com10.csv')).toBe('records/com10.csv');
    expect(portablePath('activities/2025-03-01_0712_morning-run.fit')).toBe('activities/2025-03-01_0712_morning-run.fit');
    expect(portablePath('notes/end. ')).toBe('notes/end__');
  });

  it('agrees with slugify, which never yields a reserved name', () => {
    expect(slugify('Con')).toBe('con-file');
    expect(portablePath(`${slugify('Con')}.gpx`)).toBe('con-file.gpx');
  });
});
