import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { RECORD_KINDS } from './records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from './request.ts';
import { exportRequestSchema, parseExportRequest, RequestError, type FormatKinds } from './request-schema.ts';

const FORMATS: FormatKinds = { csv: { kinds: RECORD_KINDS }, fit: { kinds: ['activity'] } };
const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 0, 1),
  filter: { kinds: ['activity', 'steps'], range: { fromMs: 0, toMs: 10 }, updatedSinceMs: 5 },
  formats: { activity: ['fit', 'csv'], steps: ['csv'] },
  options: { ...DEFAULT_EXPORT_OPTIONS, privacy: { zones: [{ latDeg: 1, lonDeg: 2, radiusM: 3 }], zoneMode: 'sample', pseudonymise: true } },
};

describe('exportRequestSchema', () => {
  it('is the ExportRequest type: every field the type has is in the schema, and the schema gives that type', () => {
    expectTypeOf<v.InferOutput<typeof exportRequestSchema>>().toEqualTypeOf<ExportRequest>();
  });
});

describe('parseExportRequest', () => {
  it('gives back a valid request unchanged', () => {
    expect(parseExportRequest(structuredClone(REQUEST), FORMATS)).toEqual(REQUEST);
  });

  it.each([
    [{ ...REQUEST, extra: 1 }, 'extra', 'unknown field'],
    [{ ...REQUEST, createdAtMs: undefined }, 'createdAtMs', 'required field is missing'],
    [{ ...REQUEST, filter: { ...REQUEST.filter, kinds: [] } }, 'filter.kinds', 'must name at least one record kind'],
    [{ ...REQUEST, filter: { ...REQUEST.filter, range: { fromMs: 10, toMs: 10 } } }, 'filter.range', 'fromMs 10 (1970-01-01T00:00:00.010Z) is not before toMs 10 (1970-01-01T00:00:00.010Z)'],
    [{ ...REQUEST, options: { ...REQUEST.options, gpx: { dialect: 'tpx' } } }, 'options.gpx.dialect', 'must be one of "garmin-tpx-v1", "garmin-tpx-v2", "plain", got "tpx"'],
    [{ ...REQUEST, options: { ...REQUEST.options, pdf: { template: 'weekly', activityPages: false } } }, 'options.pdf.template', 'must be one of "year-in-review", "monthly", "health", got "weekly"'],
    [{ ...REQUEST, formats: { ...REQUEST.formats, steps: ['fit'] } }, 'formats.steps[0]', 'format "fit" cannot write steps records'],
    [{ ...REQUEST, formats: { ...REQUEST.formats, steps: ['xlsx'] } }, 'formats.steps[0]', 'format "xlsx" is not available'],
    [{ ...REQUEST, formats: { sleep: ['csv'] } }, 'formats', 'the request selects no format for any of its kinds'],
  ].map(([bad, field, problem]) => [field, problem, bad] as const))('refuses with %s: %s', (field, problem, bad) => {
    let caught: unknown;
    try {
      parseExportRequest(bad, FORMATS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RequestError);
    expect(caught).toMatchObject({ code: 'INVALID_REQUEST', field, problem, message: `${field}: ${problem}` });
  });
});
