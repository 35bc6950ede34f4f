import { describe, expect, it } from 'vitest';
import { freeInWords, neededAgainstFree, neededInWords } from './storage-full.ts';

describe('storage full in words', () => {
  it('says needed against free, in the sizes people read', () => {
    expect(neededAgainstFree('this export', 3_412_345, 20_480, 'for this app')).toBe('this export needs about 3.4 MB; 20 KB is free for this app');
    expect(neededAgainstFree('this request', undefined, 999, 'on the server')).toBe('this request could not be saved; 999 B is free on the server');
  });

  it('says so when the free space is unknown, and never a negative or fractional need', () => {
    expect(freeInWords(undefined, 'there')).toBe('the free space there could not be read');
    expect(neededInWords('the whole archive', -5.5)).toBe('the whole archive needs about 0 B');
  });
});
