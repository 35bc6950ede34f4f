// Every request the wizard can make is one the server takes: requests built by the wizard's own buildRequest and
// tidyPrivacy from choices covering each of its controls (every format of every kind, range preset, condition,
// GPX dialect, report, privacy option, time style and unit system), plus "since the last export"
// (updatedSinceMs), sent as JSON the way server-client.ts sends them and parsed back unchanged.

import { describe, expect, it } from 'vitest';
import { FORMAT_META } from '../../src/formats/meta.ts';
import { BUILT_IN_TEMPLATES } from '../../src/jobs/templates.ts';
import { requestSince } from '../../src/jobs/ledger.ts';
import { RECORD_KINDS } from '../../src/model/records.ts';
import {
  CONDITION_OPS, FORMAT_IDS, GPX_DIALECTS, PDF_TEMPLATES, PRIVACY_ZONE_MODES, TIME_STYLES, UNIT_SYSTEMS,
  type ExportRequest, type FieldCondition, type PrivacyOptions,
} from '../../src/model/request.ts';
import { BodyError, parseExportRequestBody } from '../../src/server/request-body.ts';
import { buildRequest, choicesFromRequest, DEFAULT_CHOICES, RANGE_PRESETS, tidyPrivacy, type WizardChoices } from '../../src/ui/request-builder.ts';

const NOW_MS = Date.UTC(2026, 11, 3, 8, 30);

const formatsOf = (kind: (typeof RECORD_KINDS)[number]) => FORMAT_IDS.filter((id) => FORMAT_META[id].kinds.includes(kind));
const ZONE = { latDeg: 52.52, lonDeg: 13.405, radiusM: 300 };

/** Each privacy control on its own, then all of them together, as the wizard's PrivacyOptions hands them on. */
const PRIVACY_CHOICES: PrivacyOptions[] = [
  ...PRIVACY_ZONE_MODES.map((zoneMode) => ({ zones: [ZONE, { latDeg: -33.86, lonDeg: 151.2, radiusM: 1 }], zoneMode })),
  { zones: [ZONE] }, // no mode chosen: tidyPrivacy writes the default
  { dropGps: true }, { dropSerials: true }, { pseudonymise: true }, { timeShiftDays: -365 }, { timeShiftDays: 3 },
  { zones: [ZONE], zoneMode: 'sample', dropGps: true, dropSerials: true, pseudonymise: true, timeShiftDays: -30 },
];

const CONDITIONS: FieldCondition[] = CONDITION_OPS.flatMap((op) => [
  { field: 'totals.distanceM', op, value: 5000.5 }, { field: 'name', op, value: 'Morning' }, { field: 'fields.billable', op, value: true },
]);

/** Everything on: every format of every kind, filters, a report, every privacy option. */
const EVERYTHING: WizardChoices = {
  ...DEFAULT_CHOICES,
  kinds: [...RECORD_KINDS],
  tags: ['race', 'long'],
  categories: ['work'],
  conditions: CONDITIONS,
  text: 'lake',
  formats: Object.fromEntries(RECORD_KINDS.map((kind) => [kind, formatsOf(kind)])),
  options: {
    ...DEFAULT_CHOICES.options,
    compressionLevel: 9,
    csv: { bom: true, formulaSafe: false, samples: true, maxRowsPerFile: DEFAULT_CHOICES.options.csv.maxRowsPerFile },
    pdf: { template: 'monthly', activityPages: true },
    privacy: tidyPrivacy(PRIVACY_CHOICES.at(-1)!),
  },
  timeStyle: 'utc',
  units: 'imperial',
  recordTypes: ['time_entry'],
};

function variants(): [string, WizardChoices][] {
  const out: [string, WizardChoices][] = [['everything', EVERYTHING], ['the defaults', DEFAULT_CHOICES]];
  for (const kind of RECORD_KINDS) {
    for (const id of formatsOf(kind)) out.push([`${kind} as ${id} alone`, { ...DEFAULT_CHOICES, kinds: [kind], formats: { [kind]: [id] } }]);
  }
  for (const { id } of RANGE_PRESETS) out.push([`range ${id}`, { ...EVERYTHING, preset: id, customFrom: '2025-02-01', customTo: '2025-02-28' }]);
  out.push(['a custom range open at the end', { ...EVERYTHING, preset: 'custom', customFrom: '2025-02-01', customTo: '' }]);
  out.push(['a custom range open at the start', { ...EVERYTHING, preset: 'custom', customFrom: '', customTo: '2025-02-28' }]);
  for (let level = 0; level <= 9; level++) out.push([`compression ${level}`, { ...EVERYTHING, options: { ...EVERYTHING.options, compressionLevel: level } }]);
  for (const dialect of GPX_DIALECTS) out.push([`GPX ${dialect}`, { ...EVERYTHING, options: { ...EVERYTHING.options, gpx: { dialect } } }]);
  for (const template of PDF_TEMPLATES) {
    for (const activityPages of [false, true]) {
      out.push([`report ${template}${activityPages ? ' with activity pages' : ''}`, { ...EVERYTHING, options: { ...EVERYTHING.options, pdf: { template, activityPages } } }]);
    }
  }
  for (const privacy of PRIVACY_CHOICES) {
    out.push([`privacy ${JSON.stringify(privacy)}`, { ...EVERYTHING, options: { ...EVERYTHING.options, privacy: tidyPrivacy(privacy) } }]);
  }
  for (const timeStyle of TIME_STYLES) for (const units of UNIT_SYSTEMS) out.push([`${timeStyle} times, ${units}`, { ...EVERYTHING, timeStyle, units }]);
  for (const template of BUILT_IN_TEMPLATES) out.push([`the built-in template ${template.id}`, choicesFromRequest(template.request)]);
  return out;
}

/** What the server receives: the request as JSON (server-client.ts sends `JSON.stringify(request)`). */
const overTheWire = (request: ExportRequest): unknown => JSON.parse(JSON.stringify(request));

describe('the server takes every request the wizard can make', () => {
  it.each(variants())('%s', (_name, choices) => {
    const sent = overTheWire(buildRequest(choices, NOW_MS));
    expect(parseExportRequestBody(sent, 1)).toEqual(sent);
    // The next run of the same request "since the last export" carries updatedSinceMs.
    const since = overTheWire(requestSince(buildRequest(choices, NOW_MS + 86_400_000), { request: buildRequest(choices, NOW_MS) }));
    expect((since as ExportRequest).filter.updatedSinceMs).toBe(NOW_MS);
    expect(parseExportRequestBody(since, 1)).toEqual(since);
  });

  it('covers every privacy field the request type has', () => {
    const privacy = EVERYTHING.options.privacy!;
    expect(Object.keys(privacy).sort()).toEqual(['dropGps', 'dropSerials', 'pseudonymise', 'timeShiftDays', 'zoneMode', 'zones']);
  });
});

describe('the server refuses bad privacy options and since-times, naming the field', () => {
  const body = overTheWire(buildRequest(EVERYTHING, NOW_MS)) as ExportRequest;
  const withPrivacy = (privacy: unknown) => ({ ...body, options: { ...body.options, privacy } });
  it.each([
    [withPrivacy({ zones: [{ ...ZONE, radiusM: 0 }] }), 'options.privacy.zones[0].radiusM: must be more than 0 m'],
    [withPrivacy({ zones: [{ ...ZONE, latDeg: 91 }] }), 'options.privacy.zones[0].latDeg: must be a number from -90 to 90'],
    [withPrivacy({ zones: [ZONE], zoneMode: 'all' }), 'options.privacy.zoneMode: must be "gps" or "sample"'],
    [withPrivacy({ timeShiftDays: 1.5 }), 'options.privacy.timeShiftDays: must be a whole number from -100000 to 100000'],
    [withPrivacy({ salt: 'abc' }), 'options.privacy.salt: unknown field'],
    [{ ...body, filter: { ...body.filter, updatedSinceMs: -1 } }, 'filter.updatedSinceMs: must not be before 1970'],
    [{ ...body, filter: { ...body.filter, updatedSinceMs: '2026-01-01' } }, 'filter.updatedSinceMs: must be a time in ms since 1970'],
  ].map(([bad, message]) => [message, bad] as const))('%s', (message, bad) => {
    expect(() => parseExportRequestBody(bad, 1)).toThrow(BodyError);
    expect(() => parseExportRequestBody(bad, 1)).toThrow(message);
  });
});
