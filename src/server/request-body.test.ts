import { describe, expect, it } from 'vitest';
import { BodyError, parseExportRequestBody } from './request-body.ts';

const BODY = { filter: { kinds: ['steps'] }, formats: { steps: ['csv'] } };
const OPTIONS = { compressionLevel: 6, csv: { bom: false, formulaSafe: true, samples: false, maxRowsPerFile: 100 }, gpx: { dialect: 'plain' } };

describe('parseExportRequestBody time style and units', () => {
  it('accepts options with a time style and units, and options without them', () => {
    const request = parseExportRequestBody({ ...BODY, options: { ...OPTIONS, timeStyle: 'utc', units: 'imperial' } }, 1);
    expect(request.options).toMatchObject({ timeStyle: 'utc', units: 'imperial' });
    expect(parseExportRequestBody({ ...BODY, options: OPTIONS }, 1).options).not.toHaveProperty('units');
  });

  it('refuses an unknown time style or unit system, naming the field', () => {
    expect(() => parseExportRequestBody({ ...BODY, options: { ...OPTIONS, timeStyle: 'gmt' } }, 1)).toThrow(BodyError);
    expect(() => parseExportRequestBody({ ...BODY, options: { ...OPTIONS, timeStyle: 'gmt' } }, 1)).toThrow('options.timeStyle: must be "local" or "utc"');
    expect(() => parseExportRequestBody({ ...BODY, options: { ...OPTIONS, units: 'si' } }, 1)).toThrow('options.units: must be "metric" or "imperial"');
  });
});
