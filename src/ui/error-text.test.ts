import { describe, expect, it } from 'vitest';
import { ExportError } from '../model/errors.ts';
import { describeError } from './error-text.ts';

describe('describeError for a full storage', () => {
  const full = new ExportError('QUOTA_EXCEEDED', 'the destination is full: the browser refused to write 30 KB more after 1.3 MB of the archive; 20 KB is free for this app (5.0 MB used of 5.0 MB); this export needs about 3.4 MB in all');

  it('gives needed against free from the page figures when it has them', () => {
    const text = describeError(full, { storage: { usageBytes: 4_980_000, quotaBytes: 5_000_000, freeBytes: 20_000 }, neededBytes: 3_400_000 });
    expect(text.detail).toBe('The device ran out of space while writing the zip. This export needs about 3.4 MB; 20 KB is free for this app.');
  });

  it('keeps the figures of the failure itself when the page has none (a background job read back from its row)', () => {
    expect(describeError(full).detail).toBe('The device ran out of space while writing the zip. The destination is full: the browser refused to write 30 KB more after 1.3 MB of the archive; 20 KB is free for this app (5.0 MB used of 5.0 MB); this export needs about 3.4 MB in all.');
  });
});
