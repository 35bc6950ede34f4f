import { describe, expect, it } from 'vitest';
import { hasRoomFor, type StorageFigures } from './storage.ts';

const free = (freeBytes: number): StorageFigures => ({ usageBytes: 0, quotaBytes: freeBytes, freeBytes });

describe('hasRoomFor', () => {
  it('fits an archive whose estimate with headroom and spare bytes is within the free quota', () => {
    expect(hasRoomFor(100_000_000, free(200_000_000))).toBe(true);
  });

  it('refuses an archive that fits only without the headroom', () => {
    expect(hasRoomFor(100_000_000, free(150_000_000))).toBe(false);
  });

  it('refuses when the browser does not tell the quota', () => {
    expect(hasRoomFor(1_000, undefined)).toBe(false);
  });
});
