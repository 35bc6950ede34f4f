// The anonymisation stage: a RecordSource wrapper that every format reads through, so FIT, GPX, CSV and the
// rest all see the same trimmed, pseudonymised and time-shifted records.

import { ExportError } from '../model/errors.ts';
import type { Activity, DailySteps, FieldValue, GenericRecord, RecordKind, RecordOfKind, Sleep, TakeawayRecord, TrackChunk, Weight } from '../model/records.ts';
import type { PrivacyOptions, PrivacyZoneMode, RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import { createPseudonymiser, type Pseudonymiser } from './pseudonyms.ts';
import { hidePositions, keepUnmasked } from './track-rewrite.ts';
import { summariseTrimmed } from './trimmed-totals.ts';
import { computeZoneMask } from './zone-mask.ts';
import { checkZones } from './zones.ts';

const DAY_MS = 86_400_000;

export interface AnonymisedSource {
  /** Reads through the anonymisation; `original()` is gone whenever anything is transformed (device files carry it all). */
  source: RecordSource;
  /** What was done, in words for the manifest; never the zones' places, the shift or the salt. Empty when nothing is. */
  transformations: string[];
}

export interface AnonymiseSettings {
  /** Key of the pseudonyms; default 32 random bytes, fresh for every call (tests pass a fixed one). */
  salt?: Uint8Array;
}

/** An activity as the formats will see it, with what is needed to rewrite its track. */
interface PreparedActivity {
  original: Activity;
  activity: Activity;
  /** Samples inside a zone (1), when any is. */
  mask?: Uint8Array;
}

/**
 * Wraps `source` so every record and track read through it is anonymised as `options` asks. Activities touched
 * by a zone are read once more up front (to find the samples inside and, in `sample` mode, recompute totals);
 * the result is kept per activity for the life of the wrapper (one export), so all formats agree.
 * @throws RangeError for an invalid zone or a time shift that is not a whole number of days
 */
export function anonymiseSource(source: RecordSource, options: PrivacyOptions, settings: AnonymiseSettings = {}): AnonymisedSource {
  const zones = options.zones ?? [];
  checkZones(zones);
  const zoneMode = options.zoneMode ?? 'gps';
  const shiftDays = options.timeShiftDays ?? 0;
  if (!Number.isInteger(shiftDays)) throw new RangeError(`timeShiftDays must be a whole number, got ${shiftDays}`);
  const shiftMs = shiftDays * DAY_MS;
  const dropGps = options.dropGps === true;
  const dropSerials = options.dropSerials === true;
  const pseudonyms = options.pseudonymise ? createPseudonymiser(settings.salt) : undefined;
  const usesZones = zones.length > 0 && (zoneMode === 'sample' || !dropGps);

  const transformations = describe(options, zones.length, zoneMode);
  if (transformations.length === 0) return { source, transformations };

  const byOriginalId = new Map<string, Promise<PreparedActivity>>();
  const byOutputId = new Map<string, PreparedActivity>();

  const prepare = (original: Activity): Promise<PreparedActivity> => {
    let prepared = byOriginalId.get(original.id);
    if (!prepared) {
      prepared = prepareActivity(original).then((p) => {
        byOutputId.set(p.activity.id, p);
        return p;
      });
      byOriginalId.set(original.id, prepared);
    }
    return prepared;
  };

  async function prepareActivity(original: Activity): Promise<PreparedActivity> {
    let base = original;
    let mask: Uint8Array | undefined;
    if (usesZones && original.channels.includes('lat') && original.channels.includes('lon')) {
      const found = await computeZoneMask(source.track(original), zones);
      if (found.insideCount > 0) {
        mask = found.mask;
        if (zoneMode === 'sample') base = await summariseTrimmed(original, mask, keepUnmasked(source.track(original), mask, original.id));
      }
    }
    const activity: Activity = { ...base, tags: [...base.tags], laps: base.laps.map((l) => ({ ...l })), pauses: base.pauses.map((p) => ({ ...p })) };
    if (dropGps) activity.channels = activity.channels.filter((c) => c !== 'lat' && c !== 'lon');
    if (activity.device) {
      const device = { ...activity.device };
      if (dropSerials) delete device.serialNumber;
      else if (pseudonyms && device.serialNumber) device.serialNumber = await pseudonyms.pseudonym('serial', device.serialNumber);
      activity.device = device;
    }
    if (pseudonyms) {
      activity.id = await pseudonyms.pseudonym('id', original.id);
      activity.name = await pseudonymOf(pseudonyms, 'name', activity.name);
      if (activity.notes !== undefined) activity.notes = await pseudonymOf(pseudonyms, 'note', activity.notes);
      if (activity.category !== undefined) activity.category = await pseudonymOf(pseudonyms, 'category', activity.category);
      activity.tags = await Promise.all(activity.tags.map((tag) => pseudonymOf(pseudonyms, 'tag', tag)));
      activity.source = await sourceOf(pseudonyms, activity.source);
    }
    if (shiftMs !== 0) {
      activity.startTimeMs += shiftMs;
      activity.updatedAtMs += shiftMs;
      for (const lap of activity.laps) lap.startTimeMs += shiftMs;
      for (const pause of activity.pauses) {
        pause.startMs += shiftMs;
        pause.endMs += shiftMs;
      }
    }
    return { original, activity, mask };
  }

  async function transformRecord(record: TakeawayRecord): Promise<TakeawayRecord> {
    if (record.kind === 'activity') return (await prepare(record)).activity;
    const copy = { ...record } as Exclude<TakeawayRecord, Activity>;
    if (pseudonyms) {
      copy.id = await pseudonyms.pseudonym('id', record.id);
      copy.source = await sourceOf(pseudonyms, record.source);
      if (copy.kind === 'record') await pseudonymiseGeneric(pseudonyms, copy);
    }
    if (shiftMs !== 0) shiftRecord(copy, shiftMs, shiftDays);
    return copy;
  }

  const wrapped: RecordSource = {
    async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize?: number): AsyncIterable<RecordOfKind<K>[]> {
      // The filter applies to the records as stored: the person chose them before they were anonymised.
      for await (const batch of source.records(kind, filter, batchSize)) {
        const out: RecordOfKind<K>[] = [];
        for (const record of batch) out.push(await transformRecord(record) as RecordOfKind<K>);
        yield out;
      }
    },
    async *track(activity: Activity): AsyncIterable<TrackChunk> {
      const prepared = byOutputId.get(activity.id);
      if (!prepared) throw new ExportError('INTERNAL', `activity ${activity.id} was not read through the anonymised source`);
      const { original, mask } = prepared;
      const outputId = prepared.activity.id;
      const chunks = mask && zoneMode === 'sample' ? keepUnmasked(source.track(original), mask, original.id) : source.track(original);
      const positionMask = zoneMode === 'gps' ? mask : undefined;
      let offset = 0;
      for await (const chunk of chunks) {
        const out = hidePositions(chunk, positionMask, offset, dropGps);
        offset += chunk.count;
        out.activityId = outputId;
        if (shiftMs !== 0) out.timeMs = chunk.timeMs.map((t) => t + shiftMs);
        yield out;
      }
    },
    count: (kind, filter) => source.count(kind, filter),
  };
  return { source: wrapped, transformations };
}

/** The manifest's words for what `options` does; places, radii, the shift and the salt stay out. */
function describe(options: PrivacyOptions, zoneCount: number, zoneMode: PrivacyZoneMode): string[] {
  const out: string[] = [];
  if (zoneCount > 0) {
    out.push(zoneMode === 'sample'
      ? `privacy zones (${zoneCount}): samples inside removed from every track; totals, laps and pauses recomputed from what remains`
      : `privacy zones (${zoneCount}): GPS positions inside removed from every track`);
  }
  if (options.dropGps) out.push('GPS positions removed from every track');
  if (options.dropSerials) out.push('device serial numbers removed');
  if (options.pseudonymise) out.push('ids, names, titles, notes, tags, categories, sources and text fields replaced by pseudonyms (HMAC-SHA-256 with a per-export random key)');
  if ((options.timeShiftDays ?? 0) !== 0) out.push('all times shifted by a fixed whole number of days (durations kept)');
  if (out.length > 0) out.push('original device files left out');
  return out;
}

async function pseudonymOf(pseudonyms: Pseudonymiser, kind: 'name' | 'note' | 'category' | 'tag' | 'title' | 'text', value: string): Promise<string> {
  return value === '' ? '' : pseudonyms.pseudonym(kind, value);
}

/** `import:morning-run.fit` names a file; `demo` and `api` name nothing personal. */
async function sourceOf(pseudonyms: Pseudonymiser, source: string | undefined): Promise<string | undefined> {
  if (source === undefined) return undefined;
  const colon = source.indexOf(':');
  return colon < 0 ? source : `${source.slice(0, colon)}:${await pseudonyms.pseudonym('source', source.slice(colon + 1))}`;
}

async function pseudonymiseGeneric(pseudonyms: Pseudonymiser, record: GenericRecord): Promise<void> {
  record.title = await pseudonymOf(pseudonyms, 'title', record.title);
  if (record.category !== undefined) record.category = await pseudonymOf(pseudonyms, 'category', record.category);
  record.tags = await Promise.all(record.tags.map((tag) => pseudonymOf(pseudonyms, 'tag', tag)));
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(record.fields)) {
    fields[key] = typeof value === 'string' ? await pseudonymOf(pseudonyms, 'text', value) : value;
  }
  record.fields = fields;
}

function shiftRecord(record: DailySteps | Weight | Sleep | GenericRecord, shiftMs: number, shiftDays: number): void {
  record.updatedAtMs += shiftMs;
  switch (record.kind) {
    case 'steps': record.date = shiftDate(record.date, shiftDays); break;
    case 'weight': record.timestampMs += shiftMs; break;
    case 'sleep': record.startTimeMs += shiftMs; record.endTimeMs += shiftMs; break;
    case 'record': {
      record.timestampMs += shiftMs;
      const fields: Record<string, FieldValue> = {};
      for (const [key, value] of Object.entries(record.fields)) {
        fields[key] = value !== null && typeof value === 'object' ? { date: shiftIso(value.date, shiftMs, shiftDays) } : value;
      }
      record.fields = fields;
      break;
    }
  }
}

/** `YYYY-MM-DD` plus whole days. */
function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A date-only value stays date-only; a full time becomes UTC ISO 8601. Unparseable text is left as it is. */
function shiftIso(iso: string, shiftMs: number, shiftDays: number): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return shiftDate(iso, shiftDays);
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + shiftMs).toISOString();
}
