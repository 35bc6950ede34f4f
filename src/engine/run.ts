// run(): reads the store in chunks, feeds the encoders, and streams every entry through zip.js into the sink,
// hashing each file on the way. The manifest is the last entry, so an archive cut short is never a valid,
// complete-looking export.

import { ZipWriter } from '@zip.js/zip.js';
import { ExportError, isAbortError } from '../model/errors.ts';
import type { RecordKind } from '../model/records.ts';
import type { ExportRequest } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import { readableFromIterable } from '../model/streams.ts';
import type { EncodedEntry, FormatEncoder, LeftOutRecord, SkippedRecord } from '../formats/types.ts';
import { BatchedWrites } from './batched-writes.ts';
import { countingSource } from './counting-source.ts';
import { wholeEntryCodec } from './entry-codec.ts';
import { formatJobs, type FormatRegistry } from './format-order.ts';
import { withLookahead, type PreparedEntry } from './lookahead.ts';
import { APP_VERSION, buildManifest, CHECKSUMS_PATH, formatChecksums, MANIFEST_PATH, recordCountsOf, dedupeNotes, type Manifest, type ManifestFile } from './manifest.ts';
import { exportSource, planExportSource, type ExportPlan } from './plan.ts';
import { ProgressReporter, type ProgressListener } from './progress.ts';
import { README_PATH, readmeText } from './readme-text.ts';
import { createSha256 } from './sha256.ts';
import { UniquePaths } from './unique-paths.ts';
import { releaseFinishedEntry } from './release-zip-entries.ts';
import { redactRequest } from '../privacy/redact-request.ts';

export interface RunOptions {
  registry: FormatRegistry;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A plan made earlier for this request (saves counting again). */
  plan?: ExportPlan;
  /** Records rejected before the export (invalid input); they go into the manifest's `skipped` list. */
  skipped?: SkippedRecord[];
  /** Transformations applied to the source (anonymisation…), stated in the manifest. */
  transformations?: string[];
  /** Let zip.js compress in web workers (browser only). Default false. */
  useWebWorkers?: boolean;
  /**
   * Encrypt the export: the archive then holds one AES-256 (WinZip AE-2) entry, `ENCRYPTED_INNER_PATH`, which is
   * the normal export with its manifest (see docs/privacy.md). Kept out of the request so it is never stored.
   */
  password?: string;
  /**
   * Called once each file entry is wholly in the sink (before the next entry starts), with its index and the
   * bytes written so far; awaited, so a checkpoint can be stored first (see resume.ts).
   */
  onEntryWritten?: (written: EntryWritten) => void | Promise<void>;
  /** Where an interrupted run's progress got to (its checkpoint's `fraction`): reported progress starts there. */
  startFraction?: number;
  /**
   * Entries in progress at once: small standalone entries (one activity's file) are read and compressed ahead
   * while earlier ones are written, in order. Default `DEFAULT_ENTRY_WINDOW`; 1 reads one entry at a time.
   */
  entryWindow?: number;
}

/** Entries in progress at once by default: enough to keep the encoder busy while deflate runs elsewhere. */
export const DEFAULT_ENTRY_WINDOW = 4;
/** Standalone entries announced above this many bytes stream in their turn (memory stays bounded). */
export const MAX_LOOKAHEAD_ENTRY_BYTES = 16 * 1024 * 1024;

/** One finished zip entry, as `RunOptions.onEntryWritten` reports it. */
export interface EntryWritten {
  /** 0-based position of the entry in the archive (README.txt is 0). */
  entryIndex: number;
  file: ManifestFile;
  /** Bytes of the archive written so far, i.e. where the next entry starts. */
  bytesOut: number;
  /** Progress fraction at this point (0..0.99), for a resume to start from. */
  fraction: number;
}

/** Name of the one entry of an encrypted export: neutral, so the archive's plaintext headers give nothing away. */
export const ENCRYPTED_INNER_PATH = 'takeaway-export.zip';
/** zip.js `encryptionStrength` 3 = AES-256. */
const AES_256 = 3;

export interface ExportResult {
  manifest: Manifest;
  /** Bytes of the finished zip. */
  bytesWritten: number;
}

const encoder = new TextEncoder();

export async function runExport(
  request: ExportRequest,
  source: RecordSource,
  sink: WritableStream<Uint8Array>,
  options: RunOptions,
): Promise<ExportResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  // The encoders' signal: the caller's, and also stops entries read ahead when the export fails.
  const encoding = new AbortController();
  const stopEncoding = (): void => encoding.abort(signal?.reason);
  signal?.addEventListener('abort', stopEncoding, { once: true });
  if (options.password === '') throw new ExportError('INVALID_REQUEST', 'the export password is empty');
  const jobs = formatJobs(request, options.registry);
  const anonymised = exportSource(request, source);
  source = anonymised.source;
  const recordedRequest = redactRequest(request);
  const plan = options.plan ?? await planExportSource(request, anonymised, options.registry, { signal });
  const progress = new ProgressReporter(options.onProgress, plan.estimatedUncompressedBytes, undefined, undefined, options.startFraction);
  const sinkWriter = sink.getWriter();
  const writes = new BatchedWrites(async (bytes) => {
    try {
      await sinkWriter.write(bytes);
    } catch (error) {
      throw sinkError(error);
    }
    progress.state.bytesOut += bytes.byteLength;
    progress.tick();
  });
  const countedSink = new WritableStream<Uint8Array>({
    write: (chunk) => writes.add(chunk),
    async close() {
      await writes.flush();
      await sinkWriter.close();
    },
  });
  let outer: { zip: ZipWriter<unknown>; added: Promise<unknown> } | undefined;
  let zipSink: WritableStream<Uint8Array> = countedSink;
  if (options.password !== undefined) {
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    const outerZip = new ZipWriter(countedSink, { signal, useWebWorkers: options.useWebWorkers ?? false });
    const added = outerZip.add(ENCRYPTED_INNER_PATH, pipe.readable, {
      password: options.password, encryptionStrength: AES_256, zipCrypto: false, level: 0, lastModDate: new Date(request.createdAtMs),
    });
    added.catch(() => undefined); // awaited below; a failure of the inner export is the one reported
    outer = { zip: outerZip, added };
    zipSink = pipe.writable;
  }
  const zip = new ZipWriter(zipSink, {
    level: request.options.compressionLevel,
    signal,
    useWebWorkers: options.useWebWorkers ?? false,
  });

  const files: ManifestFile[] = [];
  const skipped: SkippedRecord[] = [...(options.skipped ?? [])];
  const leftOut: Manifest['leftOut'] = {};
  const paths = new UniquePaths();

  /** Deflate level of a format's entries: formats that barely compress are stored. */
  const levelOf = (isCompressible: boolean): number => (isCompressible ? request.options.compressionLevel : 0);

  const entryWritten = async (file: ManifestFile): Promise<void> => {
    await writes.flush(); // a checkpoint needs the entry's bytes in the destination
    files.push(file);
    progress.state.filesDone += 1;
    await options.onEntryWritten?.({ entryIndex: files.length - 1, file, bytesOut: progress.state.bytesOut, fraction: progress.fractionNow() });
  };

  const addEntry = async (entry: EncodedEntry, format: ManifestFile['format'], level: number): Promise<void> => {
    const path = paths.claim(entry.path);
    progress.state.currentFile = path;
    const hash = await createSha256();
    let size = 0;
    const content = (async function* () {
      for await (const chunk of entry.content) {
        signal?.throwIfAborted();
        hash.update(chunk);
        size += chunk.byteLength;
        progress.state.bytesIn += chunk.byteLength;
        progress.tick();
        yield chunk;
      }
    })();
    await zip.add(path, readableFromIterable(content), {
      level,
      lastModDate: new Date(entry.modifiedMs),
    });
    releaseFinishedEntry(zip, path);
    await entryWritten({ path, format, size, sha256: hash.digestHex(), records: entry.recordCounts });
  };

  /** Writes an entry read and compressed ahead: zip.js copies the bytes as they are. */
  const addPrepared = async (entry: EncodedEntry, format: ManifestFile['format'], prepared: PreparedEntry): Promise<void> => {
    const path = paths.claim(entry.path);
    progress.state.currentFile = path;
    await zip.add(path, readableFromIterable(prepared.chunks), {
      passThrough: true,
      compressionMethod: prepared.method,
      ...(prepared.method === 0 ? {} : { level: prepared.level }),
      crc32: prepared.crc32,
      uncompressedSize: prepared.size,
      lastModDate: new Date(entry.modifiedMs),
    });
    releaseFinishedEntry(zip, path);
    await entryWritten({ path, format, size: prepared.size, sha256: prepared.sha256Hex, records: entry.recordCounts });
  };

  const textEntry = (path: string, text: string): EncodedEntry => ({
    path, modifiedMs: request.createdAtMs, recordCounts: {}, content: once(encoder.encode(text)),
  });

  try {
    await addEntry(textEntry(README_PATH, readmeText(recordedRequest)), 'readme', levelOf(true));
    const counted = countingSource(source, progress.state, encoding.signal);
    async function* formatEntries(): AsyncGenerator<{ entry: EncodedEntry; format: FormatEncoder }> {
      for (const { format, kinds } of jobs) {
        const context = {
          source: counted,
          filter: { ...request.filter, kinds },
          options: request.options,
          createdAtMs: request.createdAtMs,
          signal: encoding.signal,
          skip: (record: SkippedRecord) => { skipped.push(record); },
          leaveOut: (record: LeftOutRecord) => { (leftOut[format.id] ??= []).push(record); },
        };
        for await (const entry of format.entries(context)) yield { entry, format };
      }
    }
    const slots = withLookahead(formatEntries(), {
      codec: wholeEntryCodec(),
      window: options.entryWindow ?? DEFAULT_ENTRY_WINDOW,
      maxEntryBytes: MAX_LOOKAHEAD_ENTRY_BYTES,
      levelOf: ({ format }) => levelOf(format.isCompressible),
      controller: encoding,
      onRead: (bytes) => {
        progress.state.bytesIn += bytes;
        progress.tick();
      },
    });
    for await (const { item: { entry, format }, prepared } of slots) {
      if (prepared) await addPrepared(entry, format.id, await prepared);
      else await addEntry(entry, format.id, levelOf(format.isCompressible));
    }
    const manifest = buildManifest({
      appVersion: APP_VERSION,
      request: recordedRequest,
      recordCounts: recordCountsOf(files, request.filter.kinds),
      files,
      skipped: dedupeNotes(skipped),
      leftOut: Object.fromEntries(Object.entries(leftOut).map(([format, records]) => [format, dedupeNotes(records)])),
      transformations: [...(options.transformations ?? []), ...anonymised.transformations],
    });
    await zip.add(MANIFEST_PATH, readableFromIterable([encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`)]), {
      level: request.options.compressionLevel,
      lastModDate: new Date(request.createdAtMs),
    });
    await zip.add(CHECKSUMS_PATH, readableFromIterable([encoder.encode(formatChecksums(files))]), {
      level: request.options.compressionLevel,
      lastModDate: new Date(request.createdAtMs),
    });
    await zip.close();
    if (outer) {
      await outer.added;
      await outer.zip.close();
    }
    progress.finish();
    return { manifest, bytesWritten: progress.state.bytesOut };
  } catch (error) {
    encoding.abort(error);
    // Abort the sink so a file-system writer discards its temporary file: no half archive is left behind.
    await sinkWriter.abort(error).catch(() => undefined);
    if (isAbortError(error) || signal?.aborted) throw signal?.reason ?? error;
    throw error instanceof ExportError ? error : new ExportError('INTERNAL', `export failed: ${messageOf(error)}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', stopEncoding);
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function sinkError(error: unknown): ExportError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError' || /quota|no space|ENOSPC/i.test(messageOf(error))) {
    return new ExportError('QUOTA_EXCEEDED', `the destination is full: ${messageOf(error)}`, { cause: error });
  }
  return new ExportError('SINK_FAILED', `writing the archive failed: ${messageOf(error)}`, { cause: error, retryable: true });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
