// Saved export configurations ("templates"): the wizard's request without its creation time, a name, built-in
// presets, and a small versioned JSON file form so a team can share them.

import type { Table } from 'dexie';
import * as v from 'valibot';
import { FORMAT_META } from '../formats/meta.ts';
import { ExportError } from '../model/errors.ts';
import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../model/request.ts';
import { parseRequestWith, REQUEST_ENTRIES } from '../model/request-schema.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { TemplateRow } from '../store/rows.ts';

/** A request to run again: everything but `createdAtMs`, which each run sets. */
export type TemplateRequest = Omit<ExportRequest, 'createdAtMs'> & {
  /**
   * A range relative to each run ("the last year"): every run covers this many ms up to its own start. Set when a
   * saved request's range ended at its creation time, i.e. the wizard's rolling presets. Absent: the range is fixed.
   */
  rollingRangeMs?: number;
};

export interface ExportTemplate extends TemplateRow {
  request: TemplateRequest;
  /** Built-in presets cannot be edited or deleted. */
  isBuiltIn?: boolean;
  description?: string;
}

export const TEMPLATE_FILE_SCHEMA = 'takeaway-template';
export const TEMPLATE_FILE_VERSION = 1;

const ALL_KINDS: RecordKind[] = [...RECORD_KINDS];

/**
 * The built-in target presets. Each sets formats, GPX dialect, time style and units together; the line above each
 * says why its time style and units are the ones a demanding user of that target expects.
 */
export const BUILT_IN_TEMPLATES: readonly ExportTemplate[] = [
  // Local + metric: the CSV keeps both the local time with its offset and UTC, in the units the data was stored in, so nothing is lost or rounded.
  {
    id: 'builtin:everything', name: 'Everything — disaster recovery', isBuiltIn: true,
    description: 'Every record in lossless open formats: JSON for all, FIT and original device files for activities, CSV tables (local and UTC times, metric).',
    request: {
      filter: { kinds: ALL_KINDS },
      formats: { activity: ['json', 'fit', 'original', 'csv'], steps: ['json', 'csv'], weight: ['json', 'csv'], sleep: ['json', 'csv'], record: ['json', 'csv'] },
      options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: true }, gpx: { dialect: 'garmin-tpx-v2' }, timeStyle: 'local', units: 'metric' },
    },
  },
  // UTC + metric: what FIT and device files carry anyway (FIT times are UTC, its units SI); set so any table added to the template matches them.
  {
    id: 'builtin:training-platform', name: 'For another training platform (FIT + original files)', isBuiltIn: true,
    description: 'Activities as FIT plus the original device files, the form training platforms import.',
    request: { filter: { kinds: ['activity'] }, formats: { activity: ['fit', 'original'] }, options: { ...DEFAULT_EXPORT_OPTIONS, timeStyle: 'utc', units: 'metric' } },
  },
  // UTC + metric: GPX times are UTC by the schema and mapping tools and databases join on UTC instants; metres are what they compute with.
  {
    id: 'builtin:gpx-mapping', name: 'GPX for mapping tools', isBuiltIn: true,
    description: 'Activities as plain GPX 1.1 tracks (UTC times), which every mapping tool reads.',
    request: { filter: { kinds: ['activity'] }, formats: { activity: ['gpx'] }, options: { ...DEFAULT_EXPORT_OPTIONS, gpx: { dialect: 'plain' }, timeStyle: 'utc', units: 'metric' } },
  },
  // Local + metric: a health spreadsheet is read by wall-clock day (a weigh-in at 07:00 belongs to that morning), with the standard weight_kg/step_count columns.
  {
    id: 'builtin:health-spreadsheet', name: 'Health metrics spreadsheet', isBuiltIn: true,
    description: 'Steps, weight and sleep as an Excel workbook and CSV with a BOM for spreadsheet apps, in local time and metric units.',
    request: {
      filter: { kinds: ['steps', 'weight', 'sleep'] },
      formats: { steps: ['xlsx', 'csv'], weight: ['xlsx', 'csv'], sleep: ['xlsx', 'csv'] },
      options: { ...DEFAULT_EXPORT_OPTIONS, csv: { ...DEFAULT_EXPORT_OPTIONS.csv, bom: true }, timeStyle: 'local', units: 'metric' },
    },
  },
];

function table(db: TakeawayDb): Table<ExportTemplate, string> {
  return db.table<ExportTemplate, string>('templates');
}

/**
 * Saves a template from a wizard request (its `createdAtMs` is dropped). A range that ends at the request's
 * creation time is a rolling one ("last year") and stays rolling: each run covers the same length up to itself.
 * Validates first.
 */
export async function saveTemplate(db: TakeawayDb, id: string, name: string, request: ExportRequest | TemplateRequest): Promise<ExportTemplate> {
  if (id.startsWith('builtin:')) throw new ExportError('INVALID_REQUEST', `template id "${id}" is reserved for built-in presets`);
  const { createdAtMs, ...rest } = request as ExportRequest;
  const range = rest.filter?.range;
  const isRolling = createdAtMs !== undefined && range?.fromMs !== undefined && range.toMs === createdAtMs;
  const template: ExportTemplate = { id, name: name.trim(), request: isRolling ? { ...rest, rollingRangeMs: createdAtMs - range.fromMs! } : rest };
  validateTemplate(template);
  await table(db).put(template);
  return template;
}

/** Built-in presets first, then saved templates by name. */
export async function listTemplates(db: TakeawayDb): Promise<ExportTemplate[]> {
  const saved = await table(db).orderBy('name').toArray();
  return [...BUILT_IN_TEMPLATES, ...saved];
}

/** A template by id (built-in or saved). */
export async function getTemplate(db: TakeawayDb, id: string): Promise<ExportTemplate | undefined> {
  return BUILT_IN_TEMPLATES.find((t) => t.id === id) ?? table(db).get(id);
}

export async function deleteTemplate(db: TakeawayDb, id: string): Promise<void> {
  if (id.startsWith('builtin:')) throw new ExportError('INVALID_REQUEST', `the built-in template "${id}" cannot be deleted`);
  await table(db).delete(id);
}

/** The request of one run of a template, made at `createdAtMs`. */
export function requestFromTemplate(template: ExportTemplate, createdAtMs: number): ExportRequest {
  const { rollingRangeMs, ...request } = structuredClone(template.request);
  if (rollingRangeMs === undefined) return { ...request, createdAtMs };
  return { ...request, filter: { ...request.filter, range: { fromMs: createdAtMs - rollingRangeMs, toMs: createdAtMs } }, createdAtMs };
}

/** The shareable JSON file of a template (pretty, versioned, no ids of this device). */
export function templateToJson(template: ExportTemplate): string {
  return `${JSON.stringify({ schema: TEMPLATE_FILE_SCHEMA, version: TEMPLATE_FILE_VERSION, name: template.name, description: template.description, request: template.request }, null, 2)}\n`;
}

/** Reads a template file; throws `INVALID_INPUT` naming the first problem. `id` is the id to store it under. */
export function templateFromJson(text: string, id: string): ExportTemplate {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ExportError('INVALID_INPUT', `the template file is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (value?.schema !== TEMPLATE_FILE_SCHEMA) throw new ExportError('INVALID_INPUT', `not a Takeaway template file (schema is ${JSON.stringify(value?.schema)}, expected "${TEMPLATE_FILE_SCHEMA}")`);
  if (value.version !== TEMPLATE_FILE_VERSION) throw new ExportError('INVALID_INPUT', `template file version ${JSON.stringify(value.version)} is not supported (this app reads version ${TEMPLATE_FILE_VERSION})`);
  const request = value.request as TemplateRequest;
  const template: ExportTemplate = {
    id, name: String(value.name ?? ''), request: { ...request, options: { ...DEFAULT_EXPORT_OPTIONS, ...request?.options } },
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
  };
  try {
    validateTemplate(template);
  } catch (error) {
    throw new ExportError('INVALID_INPUT', `the template file is not valid: ${(error as Error).message}`, { cause: error });
  }
  return template;
}

const templateRequestSchema = v.strictObject({
  ...REQUEST_ENTRIES,
  rollingRangeMs: v.optional(v.pipe(v.number('must be a duration in ms'), v.finite('must be a duration in ms'), v.gtValue(0, 'is not a positive duration'))),
});

/** Throws `INVALID_REQUEST` for an empty or overlong name, or a request the export request schema refuses (naming the field). */
export function validateTemplate(template: ExportTemplate): void {
  if (!template.name) throw new ExportError('INVALID_REQUEST', 'a template needs a name');
  if (template.name.length > 200) throw new ExportError('INVALID_REQUEST', 'a template name is at most 200 characters');
  parseRequestWith(templateRequestSchema, template.request, FORMAT_META);
}
