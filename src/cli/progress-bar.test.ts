import { describe, expect, it } from 'vitest';
import { terminalProgress } from './progress-bar.ts';

describe('terminalProgress', () => {
  it('escapes control characters in the current file name', () => {
    let written = '';
    const tty = { isTTY: true, write: (text: string) => { written += text; return true; } } as unknown as NodeJS.WriteStream;
    terminalProgress(tty)!({ currentFile: 'records/\u001b]0;pwned\u0007.csv', filesDone: 1, recordsRead: 1, samplesRead: 0, bytesIn: 10, bytesOut: 10, fraction: 0.5 });
    expect(written).toContain('records/\\u001b]0;pwned\\u0007.csv');
    expect(written.replace(/^\r/, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
