// Resumable exports: checkpoint after every finished zip entry, and after an interruption continue from the last
// checkpoint. Exports are deterministic (same request + data → same bytes), so a resume replays the encoders,
// discards the bytes the destination already holds after checking their SHA-256, and appends the rest.

import { createSHA256, type IHasher } from 'hash-wasm';
import { ExportError } from '../model/errors.ts';
import type { ExportRequest } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { ManifestFile } from './manifest.ts';
import { runExport, type EntryWritten, type ExportResult, type RunOptions } from './run.ts';

/**
 * A destination that can be reopened at an offset: a Node file, an OPFS sync access handle, a server temp file.
 * Only web-standard types, so a worker adapter and a Node adapter implement the same contract.
 */
export interface ResumableSink {
  /** Bytes the destination holds now (what survived an interruption), 0 for a new one. */
  size(): Promise<number>;
  /**
   * Cuts the destination to `offsetBytes`; the next write lands there. A sink that keeps only whole parts (an S3
   * multipart upload) may keep less, and returns the bytes it kept: the export then rewrites from there.
   */
  truncate(offsetBytes: number): Promise<number | void>;
  /**
   * True for a sink whose `truncate` keeps only whole durable parts, at most both `offsetBytes` and `size()`:
   * a checkpoint past `size()` is then still usable, the export rewriting from the last whole part kept.
   */
  readonly keepsWholeParts?: boolean;
  /** Appends `chunk` at the current end. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes written bytes durable (fsync, `FileSystemSyncAccessHandle.flush`); called before each checkpoint. */
  flush?(): Promise<void>;
  /** Finishes: the destination becomes the complete archive. */
  close(): Promise<void>;
  /** Cancels: the destination and its bytes are discarded. */
  abort(reason?: unknown): Promise<void>;
  /** Stops writing but keeps the bytes for a later resume (pause, failure, interruption). */
  release(): Promise<void>;
}

/**
 * The state after one finished entry. With replay, zip.js needs nothing else to continue: the entries before
 * `offsetBytes` are re-encoded and compared, so the central directory comes out as in an uninterrupted run.
 */
export interface ExportCheckpoint {
  /** Index of the last finished entry (0 = README.txt). */
  entryIndex: number;
  /** Archive bytes written up to the end of that entry. */
  offsetBytes: number;
  /** SHA-256 (hex) of those `offsetBytes` bytes, checked on resume before anything is appended. */
  prefixSha256: string;
  /** Manifest entries of the finished files, in order. */
  files: ManifestFile[];
  /** Progress fraction reached at this entry; a resume's progress starts there (absent in older checkpoints). */
  fraction?: number;
}

export interface ResumableRunOptions extends Omit<RunOptions, 'onEntryWritten'> {
  /** The checkpoint to continue from (see `chooseCheckpoint`); absent for a fresh start. */
  checkpoint?: ExportCheckpoint;
  /** Stores a checkpoint (Dexie in the app); awaited before the next entry starts. */
  saveCheckpoint?: (checkpoint: ExportCheckpoint) => Promise<void>;
}

export interface ResumableResult extends ExportResult {
  /** Bytes kept from the earlier attempt (0 for a fresh start). */
  resumedFromBytes: number;
}

/**
 * The newest checkpoint whose bytes the destination still holds entirely (`sinkSizeBytes` from
 * `ResumableSink.size()`), or undefined to start over. A crash can lose bytes written after the last flush.
 */
export function chooseCheckpoint(checkpoints: readonly ExportCheckpoint[], sinkSizeBytes: number): ExportCheckpoint | undefined {
  return [...checkpoints].sort((a, b) => b.offsetBytes - a.offsetBytes).find((c) => c.offsetBytes <= sinkSizeBytes);
}

/**
 * Runs (or continues) an export into a resumable sink. Without `checkpoint` the sink is emptied first. With one,
 * the sink is cut to `checkpoint.offsetBytes`, the export is replayed, and bytes before the offset are hashed and
 * compared instead of written: if the data or the request changed since, it fails with `VERIFY_FAILED` before
 * writing anything. On failure, pause or cancel the sink is only released; discarding it is the caller's choice.
 */
export async function runResumableExport(
  request: ExportRequest,
  source: RecordSource,
  sink: ResumableSink,
  options: ResumableRunOptions,
): Promise<ResumableResult> {
  const { checkpoint, saveCheckpoint, ...runOptions } = options;
  const offsetBytes = checkpoint?.offsetBytes ?? 0;
  if (checkpoint) {
    const sizeBytes = await sink.size();
    if (sizeBytes < offsetBytes && !sink.keepsWholeParts) {
      throw new ExportError('SINK_FAILED', `the partial archive holds ${sizeBytes} bytes, the checkpoint needs ${offsetBytes}`, { retryable: true });
    }
  }
  const keptBytes = (await sink.truncate(offsetBytes)) ?? offsetBytes;
  if (!(keptBytes >= 0 && keptBytes <= offsetBytes)) throw new ExportError('INTERNAL', `the sink kept ${keptBytes} bytes when cut to ${offsetBytes}`);
  const replay = await replayStream(sink, checkpoint, keptBytes);
  const files: ManifestFile[] = [];
  const onEntryWritten = async ({ entryIndex, file, bytesOut, fraction }: EntryWritten): Promise<void> => {
    files.push(file);
    if (replay.position() !== bytesOut) throw new ExportError('INTERNAL', `entry ${entryIndex} ended at ${bytesOut} bytes but ${replay.position()} reached the sink`);
    if (bytesOut <= offsetBytes) {
      const expected = checkpoint?.files[entryIndex];
      if (expected && expected.sha256 !== file.sha256) throw changedError(`${file.path} differs from the interrupted run`);
      return;
    }
    await sink.flush?.();
    await saveCheckpoint?.({ entryIndex, offsetBytes: bytesOut, prefixSha256: replay.digestHex(), files: [...files], fraction });
  };
  const result = await runExport(request, source, replay.writable, { ...runOptions, onEntryWritten, startFraction: checkpoint?.fraction });
  return { ...result, resumedFromBytes: keptBytes };
}

/**
 * A WritableStream that hashes everything, checks the hash of the first `offsetBytes` against the checkpoint,
 * drops the first `keptBytes` (what the sink still holds, at most `offsetBytes`) and appends the rest.
 */
async function replayStream(sink: ResumableSink, checkpoint: ExportCheckpoint | undefined, keptBytes: number): Promise<{
  writable: WritableStream<Uint8Array>;
  position(): number;
  digestHex(): string;
}> {
  const offsetBytes = checkpoint?.offsetBytes ?? 0;
  const hasher = await createSHA256();
  hasher.init();
  let position = 0;
  const checkPrefix = (): void => {
    if (checkpoint && digestSoFar(hasher) !== checkpoint.prefixSha256) {
      throw changedError(`the first ${offsetBytes} bytes no longer match the checkpoint`);
    }
  };
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      const start = position;
      const end = start + chunk.byteLength;
      if (start < offsetBytes && end >= offsetBytes) {
        hasher.update(chunk.subarray(0, offsetBytes - start));
        checkPrefix();
        hasher.update(chunk.subarray(offsetBytes - start));
      } else {
        hasher.update(chunk);
      }
      position = end;
      if (end > keptBytes) await sink.write(start >= keptBytes ? chunk : chunk.subarray(keptBytes - start));
    },
    async close() {
      if (position < offsetBytes) throw changedError(`the export now ends at ${position} bytes, before the checkpoint`);
      await sink.close();
    },
    abort: () => sink.release(),
  });
  return { writable, position: () => position, digestHex: () => digestSoFar(hasher) };
}

/** The digest of the bytes so far, leaving the hasher able to go on. */
function digestSoFar(hasher: IHasher): string {
  const state = hasher.save();
  const hex = hasher.digest('hex');
  hasher.load(state);
  return hex;
}

function changedError(detail: string): ExportError {
  return new ExportError('VERIFY_FAILED', `cannot resume: ${detail} (the data or the request changed since the interruption); start the export again`);
}
