// Templates: built-in presets, saving from a wizard request, and the shareable JSON file.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource } from '../../src/demo/index.ts';
import { planExport } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';
import {
  BUILT_IN_TEMPLATES, deleteTemplate, getTemplate, listTemplates, requestFromTemplate, saveTemplate, templateFromJson, templateToJson, validateTemplate,
} from '../../src/jobs/templates.ts';
import { TakeawayDb } from '../../src/store/db.ts';

const wizard: ExportRequest = { createdAtMs: 123, filter: { kinds: ['activity'], tags: ['race'] }, formats: { activity: ['tcx', 'gpx'] }, options: { ...DEFAULT_EXPORT_OPTIONS, gpx: { dialect: 'plain' } } };

describe('templates', () => {
  it('offers the four presets, each a valid request the engine can plan', async () => {
    expect(BUILT_IN_TEMPLATES.map((t) => t.name)).toEqual([
      'Everything — disaster recovery', 'For another training platform (FIT + original files)', 'GPX for mapping tools', 'Health metrics spreadsheet',
    ]);
    const source = new DemoRecordSource(createDemoDataset({ seed: 1, days: 5, activityCount: 2, samplesPerActivity: 100, genericCount: 3 }));
    for (const template of BUILT_IN_TEMPLATES) {
      validateTemplate(template);
      const plan = await planExport(requestFromTemplate(template, 0), source, FORMAT_REGISTRY);
      expect(plan.formats.length).toBeGreaterThan(0);
    }
    expect(BUILT_IN_TEMPLATES[2].request.options.gpx.dialect).toBe('plain');
  });

  it('keeps a range that ended at the request\'s creation ("last year") rolling: each run covers the same length up to itself', async () => {
    const db = new TakeawayDb('jobs-templates-rolling');
    const DAY_MS = 86_400_000;
    const savedAtMs = Date.UTC(2026, 0, 10, 9, 30);
    const lastYear: ExportRequest = { ...wizard, createdAtMs: savedAtMs, filter: { kinds: ['activity'], range: { fromMs: savedAtMs - 365 * DAY_MS, toMs: savedAtMs } } };
    const rolling = await saveTemplate(db, 'rolling', 'Last year', lastYear);
    const runAtMs = savedAtMs + 7 * DAY_MS;
    expect(requestFromTemplate(rolling, runAtMs).filter.range).toEqual({ fromMs: runAtMs - 365 * DAY_MS, toMs: runAtMs });
    expect(requestFromTemplate(rolling, runAtMs)).not.toHaveProperty('rollingRangeMs');
    const shared = templateFromJson(templateToJson(rolling), 'shared');
    expect(requestFromTemplate(shared, runAtMs).filter.range).toEqual({ fromMs: runAtMs - 365 * DAY_MS, toMs: runAtMs });

    const fixedRange = { fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2026, 0, 1) };
    const fixed = await saveTemplate(db, 'fixed', '2025', { ...lastYear, filter: { kinds: ['activity'], range: fixedRange } });
    expect(requestFromTemplate(fixed, runAtMs).filter.range).toEqual(fixedRange);
    expect(() => validateTemplate({ ...rolling, request: { ...rolling.request, rollingRangeMs: -5 } })).toThrow(/not a positive duration/);
  });

  it('saves a wizard request without its creation time and lists it after the presets', async () => {
    const db = new TakeawayDb('jobs-templates-1');
    const saved = await saveTemplate(db, 'mine', ' Races ', wizard);
    expect(saved.request).not.toHaveProperty('createdAtMs');
    expect((await listTemplates(db)).map((t) => t.id)).toEqual([...BUILT_IN_TEMPLATES.map((t) => t.id), 'mine']);
    expect(requestFromTemplate((await getTemplate(db, 'mine'))!, 999)).toEqual({ ...wizard, createdAtMs: 999 });
    await expect(deleteTemplate(db, 'builtin:gpx-mapping')).rejects.toThrow(/cannot be deleted/);
    await deleteTemplate(db, 'mine');
    expect(await getTemplate(db, 'mine')).toBeUndefined();
  });

  it('round-trips through its JSON file and rejects files that are not templates, newer or invalid', async () => {
    const db = new TakeawayDb('jobs-templates-2');
    const saved = await saveTemplate(db, 'mine', 'Races', wizard);
    const file = templateToJson(saved);
    expect(JSON.parse(file)).toMatchObject({ schema: 'takeaway-template', version: 1, name: 'Races' });
    expect(templateFromJson(file, 'imported')).toEqual({ ...saved, id: 'imported' });
    expect(() => templateFromJson('{"schema":"other"}', 'x')).toThrow(/not a Takeaway template file/);
    expect(() => templateFromJson(file.replace('"version": 1', '"version": 2'), 'x')).toThrow(/version 2 is not supported/);
    expect(() => templateFromJson(file.replace('"tcx"', '"docx"'), 'x')).toThrow(/formats\.activity\[\d\]: must be one of "fit", .*, got "docx"/);
    expect(() => templateFromJson(file.replace('"gpx"', '"fit"').replace('"activity"', '"steps"').replace('"activity"', '"steps"'), 'x')).toThrow(/format "tcx" cannot write steps/);
    expect(() => templateFromJson('not json', 'x')).toThrow(/not JSON/);
  });
});
