import { describe, expect, it } from 'vitest';
import { writeAllAt } from './opfs-resumable-sink.ts';
import { ExportError } from '../model/errors.ts';
import { hasRoomFor, storageFullMessage, withNeededBytes, type StorageFigures } from './storage.ts';

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

describe('storage full', () => {
  it('says what was refused, how far the archive got and what is free, from the real figures', () => {
    expect(storageFullMessage(29_512, 1_250_000, { usageBytes: 4_980_000, quotaBytes: 5_000_000, freeBytes: 20_000 }))
      .toBe('the browser refused to write 30 KB more after 1.3 MB of the archive; 20 KB is free for this app (5.0 MB used of 5.0 MB)');
    expect(storageFullMessage(100, 0, undefined)).toBe('the browser refused to write 100 B more after 0 B of the archive; the browser does not say how much is free');
  });

  it('never reports the unsigned error code a full sync access handle returns as a byte count', async () => {
    // What Chromium's FileSystemSyncAccessHandle.write returned for a 29,512-byte write at the quota: -8 as uint32.
    const full = { write: () => 4294967288 };
    const error = await writeAllAt(full, new Uint8Array(29_512), 1_000).then(() => undefined, (e: unknown) => e as DOMException);
    expect(error?.name).toBe('QuotaExceededError');
    expect(error?.message).toMatch(/^the browser refused to write 30 KB more after 1\.0 KB of the archive; /);
    expect(error?.message).not.toContain('4294967288');
    const refusing = { write: () => { throw new DOMException('quota', 'QuotaExceededError'); } };
    await expect(writeAllAt(refusing, new Uint8Array(10), 0)).rejects.toMatchObject({ name: 'QuotaExceededError', message: expect.stringContaining('refused to write 10 B more') });
    expect(await writeAllAt({ write: (b) => (b as Uint8Array).byteLength }, new Uint8Array(10), 5)).toBe(15);
  });
});

describe('withNeededBytes', () => {
  it('adds what the whole export needs to a storage-full failure and leaves every other error as it is', () => {
    const full = new ExportError('QUOTA_EXCEEDED', 'the destination is full: the browser refused to write 30 KB more after 1.3 MB of the archive; 20 KB is free for this app');
    const told = withNeededBytes(full, 3_400_000) as ExportError;
    expect(told.code).toBe('QUOTA_EXCEEDED');
    expect(told.message).toBe(`${full.message}; this export needs about 3.4 MB in all`);
    expect(told.cause).toBe(full);
    const other = new ExportError('SINK_FAILED', 'gone');
    expect(withNeededBytes(other, 3_400_000)).toBe(other);
    expect(withNeededBytes(full, undefined)).toBe(full);
  });
});
