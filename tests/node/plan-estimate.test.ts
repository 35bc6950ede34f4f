// plan()'s size estimates against what the export really writes, per format, on demo data: close enough for
// the wizard's preview, progress and the "will it fit" check (within a factor of 1.6 either way).

import { describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource, DEMO_SMALL_OPTIONS } from '../../src/demo/index.ts';
import { planExport, runExport } from '../../src/engine/index.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type FormatId } from '../../src/model/request.ts';
import type { RecordKind } from '../../src/model/records.ts';

const source = new DemoRecordSource(createDemoDataset(DEMO_SMALL_OPTIONS));
const ALL: RecordKind[] = ['activity', 'steps', 'weight', 'sleep', 'record'];

describe('planExport estimates', () => {
  it.each(['fit', 'gpx', 'tcx', 'csv', 'json', 'xml'] as FormatId[])('%s: content and zip size within a factor of 1.6 of the real export', async (format) => {
    const kinds = ['fit', 'gpx', 'tcx'].includes(format) ? ['activity' as RecordKind] : ALL;
    const request: ExportRequest = {
      createdAtMs: Date.UTC(2026, 10, 24),
      filter: { kinds },
      formats: Object.fromEntries(kinds.map((k) => [k, [format]])),
      options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true } },
    };
    const plan = await planExport(request, source, FORMAT_REGISTRY);
    const { manifest, bytesWritten } = await runExport(request, source, new WritableStream(), { registry: FORMAT_REGISTRY, plan });
    const content = manifest.files.filter((f) => f.format === format).reduce((sum, f) => sum + f.size, 0);
    const [planned] = plan.formats;
    expect(planned.estimatedContentBytes / content).toBeGreaterThan(1 / 1.6);
    expect(planned.estimatedContentBytes / content).toBeLessThan(1.6);
    expect(plan.estimatedBytes / bytesWritten).toBeGreaterThan(1 / 1.6);
    expect(plan.estimatedBytes / bytesWritten).toBeLessThan(1.6);
  }, 60_000);
});
