import { describe, expect, it } from 'vitest';
import { DEFAULT_PART_SIZE_BYTES, isFat32Safe, MIN_PART_SIZE_BYTES, PART_SIZE_PRESETS_BYTES } from '../engine/split.ts';
import { DEFAULT_PART_CHOICE_BYTES, formatDestination, isBackgroundJob, isFat32SafeSize, jobPartPath, MIN_PART_BYTES, parseDestination, PART_SIZE_CHOICES_BYTES } from './job-destination.ts';

describe('job destinations', () => {
  it('round-trips the workspace, split parts and a folder', () => {
    for (const d of [{ kind: 'workspace' }, { kind: 'workspace', partSizeBytes: 2_000_000_000 }, { kind: 'folder', folderId: 'f-1' }] as const) {
      expect(parseDestination(formatDestination(d))).toEqual(d);
    }
  });

  it('rejects an unknown destination and a part size below the minimum with the text in the message', () => {
    expect(() => parseDestination('s3:bucket')).toThrow(/unknown export destination "s3:bucket"/);
    expect(() => parseDestination('opfs:exports?partBytes=10')).toThrow(/part size 10 bytes is below/);
  });

  it('numbers part files with three digits', () => {
    expect(jobPartPath('j', 7)).toBe('exports/j-part-007.zip');
  });

  it('offers the engine part sizes, default and FAT32 rule without loading the engine', () => {
    expect(PART_SIZE_CHOICES_BYTES).toEqual(PART_SIZE_PRESETS_BYTES);
    expect(DEFAULT_PART_CHOICE_BYTES).toBe(DEFAULT_PART_SIZE_BYTES);
    expect(MIN_PART_BYTES).toBe(MIN_PART_SIZE_BYTES);
    for (const bytes of [...PART_SIZE_PRESETS_BYTES, 2 ** 32 - 1, 2 ** 32]) expect(isFat32SafeSize(bytes)).toBe(isFat32Safe(bytes));
  });

  it('tells lifecycle job rows from the one-shot export rows that share the table', () => {
    expect(isBackgroundJob({ destination: 'opfs:exports', trigger: 'manual' })).toBe(true);
    expect(isBackgroundJob({ fileName: 'x.zip', target: 'opfs' } as { destination?: unknown })).toBe(false);
  });
});
