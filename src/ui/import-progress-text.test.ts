import { describe, expect, it } from 'vitest';
import { importEta } from '../import/import-progress.ts';
import { progressText } from './import-progress-text.ts';

describe('the app’s import status line', () => {
  it('says how far the file is and about how long is left, in seconds or minutes', () => {
    expect(progressText(importEta({ file: 'export.zip', bytesRead: 400e6, totalBytes: 1000e6 }, 4))).toBe(' export.zip: 40% read, about 6 s left');
    expect(progressText(importEta({ file: 'export.zip', bytesRead: 100e6, totalBytes: 1000e6 }, 20))).toBe(' export.zip: 10% read, about 3 min left');
    expect(progressText(undefined)).toBe('');
  });
});
