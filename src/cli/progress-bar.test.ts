import { describe, expect, it } from 'vitest';
import { importProgressLine, terminalProgress } from './progress-bar.ts';

describe('terminalProgress', () => {
  it('escapes control characters in the current file name', () => {
    let written = '';
    const tty = { isTTY: true, write: (text: string) => { written += text; return true; } } as unknown as NodeJS.WriteStream;
    terminalProgress(tty)!({ currentFile: 'records/\u001b]0;pwned\u0007.csv', filesDone: 1, recordsRead: 1, samplesRead: 0, bytesIn: 10, bytesOut: 10, fraction: 0.5 });
    expect(written).toContain('records/\\u001b]0;pwned\\u0007.csv');
    expect(written.replace(/^\r/, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('importProgressLine', () => {
  it('gives bytes read of the size, the rate and the time left at that rate', () => {
    expect(importProgressLine({ file: 'export.zip', bytesRead: 400e6, totalBytes: 1000e6 }, 4)).toBe('reading export.zip: 400.0 of 1000.0 MB (40%), 100.0 MB/s, ETA 6s');
  });

  it('leaves the rate and ETA out before a second has passed, and the size out when unknown', () => {
    expect(importProgressLine({ file: 'a.gpx', bytesRead: 4e6, totalBytes: 0 }, 0.5)).toBe('reading a.gpx: 4.0 MB');
  });
});
