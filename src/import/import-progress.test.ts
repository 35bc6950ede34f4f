import { describe, expect, it } from 'vitest';
import { importEta } from './import-progress.ts';

describe('importEta', () => {
  it('gives the share read, the mean rate and the seconds left at it', () => {
    expect(importEta({ file: 'export.zip', bytesRead: 250e6, totalBytes: 1000e6 }, 10)).toEqual({
      file: 'export.zip', bytesRead: 250e6, totalBytes: 1000e6, fraction: 0.25, bytesPerS: 25e6, etaS: 30,
    });
  });

  it('gives no rate or ETA in the first second, and no share when the size is unknown', () => {
    expect(importEta({ file: 'a.gpx', bytesRead: 5e6, totalBytes: 0 }, 0.5)).toEqual({ file: 'a.gpx', bytesRead: 5e6, totalBytes: 0 });
  });
});
