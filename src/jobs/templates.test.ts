// Templates and the time style / units options: what the presets set, and that template files carry them.

import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS } from '../model/request.ts';
import { BUILT_IN_TEMPLATES, templateFromJson, templateToJson, validateTemplate, type ExportTemplate } from './templates.ts';

function preset(id: string): ExportTemplate {
  return BUILT_IN_TEMPLATES.find((t) => t.id === id)!;
}

/** A template file as the app wrote it before `timeStyle` and `units` existed. */
const OLD_FILE = JSON.stringify({
  schema: 'takeaway-template', version: 1, name: 'Old races',
  request: {
    filter: { kinds: ['activity'], tags: ['race'] },
    formats: { activity: ['csv', 'gpx'] },
    options: { compressionLevel: 6, csv: { bom: false, formulaSafe: true, samples: true, maxRowsPerFile: 100000 }, gpx: { dialect: 'plain' } },
  },
});

describe('built-in presets', () => {
  it('set the time style and units explicitly in every preset', () => {
    for (const template of BUILT_IN_TEMPLATES) {
      expect(template.request.options.timeStyle, template.id).toMatch(/^(local|utc)$/);
      expect(template.request.options.units, template.id).toMatch(/^(metric|imperial)$/);
      validateTemplate(template);
    }
  });

  it('write GPX for mapping tools in UTC and health spreadsheets in local time, both metric', () => {
    expect(preset('builtin:gpx-mapping').request.options).toMatchObject({ timeStyle: 'utc', units: 'metric', gpx: { dialect: 'plain' } });
    expect(preset('builtin:health-spreadsheet').request.options).toMatchObject({ timeStyle: 'local', units: 'metric', csv: { bom: true } });
    expect(preset('builtin:everything').request.options).toMatchObject({ timeStyle: 'local', units: 'metric' });
    expect(preset('builtin:training-platform').request.options).toMatchObject({ timeStyle: 'utc', units: 'metric' });
  });
});

describe('template files and time style / units', () => {
  it('round-trips the time style and units through the JSON file', () => {
    const template: ExportTemplate = {
      id: 'mine', name: 'US runs',
      request: { filter: { kinds: ['activity'] }, formats: { activity: ['csv', 'pdf'] }, options: { ...DEFAULT_EXPORT_OPTIONS, timeStyle: 'utc', units: 'imperial' } },
    };
    const back = templateFromJson(templateToJson(template), 'copy');
    expect(back.request.options.timeStyle).toBe('utc');
    expect(back.request.options.units).toBe('imperial');
    expect(back.request).toEqual(template.request);
  });

  it('imports an old template file without the fields, which then means local times and metric units', () => {
    const template = templateFromJson(OLD_FILE, 'old');
    expect(template.name).toBe('Old races');
    expect(template.request.options).not.toHaveProperty('timeStyle');
    expect(template.request.options).not.toHaveProperty('units');
    expect(template.request.options.csv.samples).toBe(true);
    expect(template.request.options.gpx.dialect).toBe('plain');
  });

  it('refuses a template file with an unknown time style or unit system, naming the value', () => {
    const withOptions = (extra: Record<string, unknown>) => {
      const file = JSON.parse(OLD_FILE) as { request: { options: Record<string, unknown> } };
      Object.assign(file.request.options, extra);
      return JSON.stringify(file);
    };
    expect(() => templateFromJson(withOptions({ timeStyle: 'gmt' }), 'x')).toThrow('the template file is not valid: options.timeStyle: must be "local" or "utc", got "gmt"');
    expect(() => templateFromJson(withOptions({ units: 'nautical' }), 'x')).toThrow('options.units: must be "metric" or "imperial", got "nautical"');
    expect(() => templateFromJson(withOptions({ units: null }), 'x')).toThrow('options.units: must be "metric" or "imperial", got null');
  });
});
