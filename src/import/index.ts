// The import entry point: any mix of device files, CSV tables and zip archives in, a stream of activities,
// records and per-file errors out. One bad file never stops the batch.

import { isAbortError } from '../model/errors.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import type { Activity, TakeawayRecord } from '../model/records.ts';
import { concatBytes } from '../model/streams.ts';
import { collectBytes, gunzipBytes, InflateBudget, isGzip, peekBytes, type ByteSource } from './bytes.ts';
import { importCsv } from './csv.ts';
import { importFitFile, isFitHeader } from './fit.ts';
import { importGpx } from './gpx.ts';
import { importTakeawayExport, isTakeawayManifest } from './takeaway-export.ts';
import { importTcx } from './tcx.ts';
import { looksLikeXml } from './xml-stream.ts';
import type { ImportFile, ImportItem, ImportOptions, ImportProgress, ImportedActivity } from './types.ts';
import type { RandomAccessSource } from './streaming-input.ts';
import { detectAccountLayout, importAccountExport } from './accounts/layout.ts';
import type { AccountArchive } from './accounts/account-archive.ts';
import { findStravaIndex, isZipHeader, parseStravaIndex, REPEATED_NAME, ZipArchive, type StravaActivityInfo, type ZipSource } from './zip.ts';

export type { ImportFile, ImportItem, ImportOptions, ImportProgress, ImportedActivity } from './types.ts';
export { blobRandomAccess, type RandomAccessSource } from './streaming-input.ts';
export { dedupeActivities, DuplicateIndex, isSameWorkout } from './dedupe.ts';
export { suggestMapping, detectOwnExport, readCsvHeaders, type CsvMapping, type CsvField, type CsvKind } from './csv.ts';

/** Bytes looked at before choosing a parser; garbage is rejected after reading only this much. */
const SNIFF_BYTES = 64;
/** Largest CSV table read whole: 64 MiB. */
const MAX_CSV_BYTES = 64 * 1024 * 1024;
/** Zips inside zips are followed this deep. */
const MAX_ZIP_DEPTH = 2;
/**
 * Largest device file whose original bytes are kept beside the activity (for "original files" exports). A larger one
 * is imported all the same, streaming, but its bytes are not held: holding them is what made memory grow with the file.
 */
export const MAX_ORIGINAL_BYTES = 64 * 1024 * 1024;
/** Progress is told after at least this many more bytes of the input were read. */
const PROGRESS_STEP_BYTES = 4 * 1024 * 1024;
const STREAM_READ_BYTES = 1024 * 1024;
const SUPPORTED = '.fit, .gpx, .tcx, .csv, .zip (and .gz of the first four)';

interface Context {
  nowMs: number;
  inflateBudget: InflateBudget;
  signal?: AbortSignal;
  zipDepth: number;
}

/** A random-access source read front to back in 1 MiB slices. */
function streamOf(source: RandomAccessSource): ByteSource {
  return async function* sequential() {
    for (let offset = 0; offset < source.size; offset += STREAM_READ_BYTES) yield await source.read(offset, Math.min(STREAM_READ_BYTES, source.size - offset));
  };
}

/** Counts the bytes read of one input file and tells `onProgress` every few MB. */
class ProgressMeter {
  private bytesRead = 0;
  private toldAt = 0;

  constructor(private readonly file: string, private readonly totalBytes: number, private readonly onProgress?: (progress: ImportProgress) => void) {}

  count(bytes: number): void {
    this.bytesRead += bytes;
    if (this.onProgress && this.bytesRead - this.toldAt >= PROGRESS_STEP_BYTES) this.tell();
  }

  tell(): void {
    this.toldAt = this.bytesRead;
    this.onProgress?.({ file: this.file, bytesRead: Math.min(this.bytesRead, this.totalBytes || this.bytesRead), totalBytes: this.totalBytes });
  }

  /** The source with every read counted. */
  randomAccess(source: RandomAccessSource): RandomAccessSource {
    return { size: source.size, read: async (offset, length) => {
      const bytes = await source.read(offset, length);
      this.count(bytes.length);
      return bytes;
    }, close: source.close?.bind(source) };
  }

  /** The stream with every chunk counted. */
  stream(source: ByteSource): ByteSource {
    if (source instanceof Uint8Array) return source;
    const count = (bytes: number) => this.count(bytes);
    return async function* counted() {
      for await (const chunk of source()) {
        count(chunk.length);
        yield chunk;
      }
    };
  }
}

class ImportFileError extends Error {}

function hexOf(head: Uint8Array): string {
  return Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** True when the head is UTF-8 text without NUL bytes (what a CSV must be). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Validates what an importer produced with the model's own validators; a failure is a per-file error. */
function checkActivity(imported: ImportedActivity): void {
  const record = validateRecord(imported.activity);
  if (!record.ok) throw new ImportFileError(`produced an invalid activity: ${record.error.message}`);
  for (const chunk of imported.chunks) {
    const result = validateTrackChunk(chunk, imported.activity);
    if (!result.ok) throw new ImportFileError(`produced an invalid track: ${result.error.message}`);
  }
}

/** Items of an account export checked as every importer's are: an invalid one becomes an error naming its file. */
async function* checkedItems(items: AsyncIterable<ImportItem>): AsyncIterable<ImportItem> {
  for await (const item of items) {
    if (item.type === 'activity') {
      try {
        checkActivity(item);
        yield item;
      } catch (error) {
        if (!(error instanceof ImportFileError)) throw error;
        yield { type: 'error', file: item.file, message: `${item.file}: ${error.message}` };
      }
    } else if (item.type === 'record') {
      const result = validateRecord(item.record);
      if (result.ok) yield item;
      else yield { type: 'error', file: item.file, message: `${item.file}: ${result.error.message}` };
    } else yield item;
  }
}

function activityItems(file: string, activities: ImportedActivity[], strava?: StravaActivityInfo): ImportItem[] {
  return activities.map((imported) => {
    checkActivity(imported);
    if (strava) {
      if (strava.name) imported.activity.name = activities.length > 1 ? `${strava.name} (${imported.activity.name})` : strava.name;
      if (strava.description) imported.activity.notes = strava.description;
      imported.activity.source = 'import:strava';
    }
    return { type: 'activity', file, ...imported };
  });
}

/** Table records checked with the model's validator; an invalid one is a per-record error item. */
function* recordItems(file: string, records: Iterable<Exclude<TakeawayRecord, Activity>>): Iterable<ImportItem> {
  for (const record of records) {
    const result = validateRecord(record);
    if (result.ok) yield { type: 'record', file, record };
    else yield { type: 'error', file, message: `${file}: ${result.error.message}` };
  }
}

/** One member as a file of its own: streamed as it inflates, or (a stored zip inside the zip) read at offsets. */
async function* importMember(archive: ZipArchive, path: string, file: string, context: Context, strava?: StravaActivityInfo): AsyncIterable<ImportItem> {
  const stored = path.toLowerCase().endsWith('.zip') ? await archive.storedMember(path) : undefined;
  // Refused before a byte is read: an unsafe name, a declared size past the limit (a stored zip is not held), a bomb.
  const refusal = archive.refusal(path, stored !== undefined);
  if (refusal) yield { type: 'error', file, message: `${file}: ${refusal}` };
  else if (stored) yield* importOne(file, streamOf(stored), context, strava, stored);
  else yield* importOne(file, () => archive.stream(path, { signal: context.signal }), context, strava);
}

async function* importArchive(name: string, source: ZipSource, context: Context): AsyncIterable<ImportItem> {
  if (context.zipDepth >= MAX_ZIP_DEPTH) throw new ImportFileError(`zip nested deeper than ${MAX_ZIP_DEPTH} levels`);
  const archive = await ZipArchive.open(source, context.inflateBudget);
  try {
    const paths = archive.paths;
    if (paths.includes('manifest.json')) {
      const manifest = await archive.read('manifest.json', context.signal);
      if ('bytes' in manifest && isTakeawayManifest(manifest.bytes)) return yield* importTakeawayExport(name, source, context.inflateBudget, context.signal);
    }
    const layout = detectAccountLayout(paths);
    if (layout) {
      const memberContext = { ...context, zipDepth: context.zipDepth + 1 };
      const account: AccountArchive = {
        name, archive, nowMs: context.nowMs, signal: context.signal,
        async *importMember(path) {
          yield* importMember(archive, path, `${name}/${path}`, memberContext);
        },
      };
      return yield* checkedItems(importAccountExport(layout, account));
    }
    // A Strava activities.csv anywhere in the archive names the activities, so it is read first.
    const stravaIndexPath = findStravaIndex(paths);
    let strava = new Map<string, StravaActivityInfo>();
    const stravaFolder = stravaIndexPath?.includes('/') ? stravaIndexPath.slice(0, stravaIndexPath.lastIndexOf('/') + 1) : '';
    if (stravaIndexPath) {
      const index = await archive.read(stravaIndexPath, context.signal);
      const text = 'bytes' in index ? new TextDecoder().decode(index.bytes) : '';
      if (/(^|,)"?Filename"?(,|\r?\n)/.test(text.slice(0, 4096))) strava = parseStravaIndex(text);
    }
    for (const path of paths) {
      context.signal?.throwIfAborted();
      if (path === stravaIndexPath && strava.size) continue;
      const file = `${name}/${path}`;
      const info = strava.get(path.slice(stravaFolder.length));
      yield* importMember(archive, path, file, { ...context, zipDepth: context.zipDepth + 1 }, info);
    }
    for (const path of archive.repeated) yield { type: 'error', file: `${name}/${path}`, message: `${name}/${path}: ${REPEATED_NAME}` };
  } finally {
    await archive.close();
  }
}

async function* dispatch(name: string, source: ByteSource, context: Context, strava?: StravaActivityInfo, randomAccess?: RandomAccessSource): AsyncIterable<ImportItem> {
  const lower = name.toLowerCase();
  const { head, chunks } = await peekBytes(source, SNIFF_BYTES);
  if (head.length === 0) throw new ImportFileError('file is empty (0 bytes)');
  const options = { fileName: name.split('/').pop()!, nowMs: context.nowMs };
  if (lower.endsWith('.gz')) {
    if (!isGzip(head)) throw new ImportFileError(`named .gz but has no gzip signature (starts ${hexOf(head)})`);
    for await (const item of dispatch(name.slice(0, -3), () => gunzipBytes(chunks, context.inflateBudget), context, strava)) yield { ...item, file: name };
    return;
  }
  if (lower.endsWith('.fit')) {
    if (!isFitHeader(head)) throw new ImportFileError(`not a FIT file: no valid header with the ".FIT" signature (starts ${hexOf(head)})`);
    const bytes = await collectBytes(chunks, undefined, context.signal);
    const fit = importFitFile(bytes, options);
    yield* activityItems(name, fit.activities, strava);
    yield* recordItems(name, fit.records);
    return;
  }
  if (lower.endsWith('.gpx') || lower.endsWith('.tcx')) {
    if (!looksLikeXml(head)) throw new ImportFileError(`not an XML file: does not start with "<" (starts ${hexOf(head)})`);
    // The original is kept while it is small enough; past MAX_ORIGINAL_BYTES it is let go and the file streams on.
    let kept: Uint8Array[] | undefined = [];
    let keptBytes = 0;
    async function* keep(): AsyncIterable<Uint8Array> {
      for await (const chunk of chunks) {
        if (kept) {
          keptBytes += chunk.length;
          if (keptBytes > MAX_ORIGINAL_BYTES) kept = undefined;
          else kept.push(chunk.slice());
        }
        yield chunk;
      }
    }
    const activities = lower.endsWith('.gpx') ? await importGpx(keep(), options, context.signal) : await importTcx(keep(), options, context.signal);
    const original = kept ? { name: options.fileName, bytes: concatBytes(kept) } : undefined;
    yield* activityItems(name, activities.map((a) => (original ? { ...a, original } : a)), strava);
    return;
  }
  if (lower.endsWith('.csv')) {
    if (!looksLikeText(head)) throw new ImportFileError(`not a CSV text file: binary content (starts ${hexOf(head)})`);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await collectBytes(chunks, MAX_CSV_BYTES, context.signal));
    const { records, rowErrors } = importCsv(text, { nowMs: context.nowMs });
    yield* recordItems(name, records);
    for (const message of rowErrors) yield { type: 'error', file: name, message: `${name}: ${message}` };
    return;
  }
  if (lower.endsWith('.zip')) {
    if (!isZipHeader(head)) throw new ImportFileError(`not a zip archive: no "PK" signature (starts ${hexOf(head)})`);
    // Read at offsets when the file allows it (a dropped File, a file on disk); a zip inside a zip is held whole.
    yield* importArchive(name, randomAccess ?? await collectBytes(chunks, undefined, context.signal), context);
    return;
  }
  throw new ImportFileError(`unsupported file type; supported: ${SUPPORTED}`);
}

async function* importOne(name: string, source: ByteSource, context: Context, strava?: StravaActivityInfo, randomAccess?: RandomAccessSource): AsyncIterable<ImportItem> {
  let items: ImportItem[];
  try {
    items = [];
    // Buffered per file so a file that fails half-way yields only its error, never half its activities.
    for await (const item of dispatch(name, source, context, strava, randomAccess)) {
      if (name.toLowerCase().endsWith('.zip')) yield item;
      else items.push(item);
    }
  } catch (error) {
    if (isAbortError(error)) throw error;
    yield { type: 'error', file: name, message: `${name}: ${(error as Error).message}` };
    return;
  }
  yield* items;
}

/**
 * Imports a batch of files, dispatching on the extension (.fit, .gpx, .tcx, .csv, .zip, and .gz of the
 * first four) after checking magic bytes, so garbage is rejected having read only its first bytes.
 * Yields activities (with the original bytes), table records, and `{ type: 'error' }` items naming the
 * file and the problem; one bad file, or one bad zip member, never stops the others. CSV tables must
 * be our own export's (others need `importCsv` with a mapping from `suggestMapping`). Duplicates are
 * not removed here: pass the activities through `dedupeActivities`. Only an abort throws.
 */
export async function* importFiles(files: Iterable<ImportFile>, options: ImportOptions = {}): AsyncIterable<ImportItem> {
  const context: Context = { nowMs: options.nowMs ?? Date.now(), signal: options.signal, zipDepth: 0, inflateBudget: new InflateBudget(options.inflateLimits) };
  for (const file of files) {
    options.signal?.throwIfAborted();
    const randomAccess = file.randomAccess ? await file.randomAccess() : undefined;
    const size = randomAccess?.size ?? (file.bytes instanceof Uint8Array ? file.bytes.length : 0);
    const meter = new ProgressMeter(file.name, size, options.onProgress);
    try {
      const counted = randomAccess && meter.randomAccess(randomAccess);
      yield* importOne(file.name, counted ? streamOf(counted) : meter.stream(file.bytes), context, undefined, counted);
    } finally {
      meter.tell();
      await randomAccess?.close?.();
    }
  }
}
