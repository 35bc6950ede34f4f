// Export worker thread: snapshots the person's records through the sync client (once per job, see
// record-fetcher.ts) and runs the same engine and formats as the browser, writing the zip through the storage's atomic sink. No business logic of its own.

import { parentPort, workerData } from 'node:worker_threads';
import { planExport, runExport, type ExportPlan } from '../engine/index.ts';
import { runResumableExport, type ExportCheckpoint, type ResumableSink } from '../engine/resume.ts';
import { openResumableArchive } from './resumable-archive.ts';
import { openS3ResumableArchive } from './s3-resumable-sink.ts';
import type { RecordSource } from '../model/source.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { ExportError } from '../model/errors.ts';
import { createRecordsClient } from '../sync/client.ts';
import { DEFAULT_RETRY_POLICY, realSleep } from '../sync/retry.ts';
import { outageTolerantFetcher } from './outage-fetcher.ts';
import { openSnapshot, takeSnapshot, type RecordsSnapshot } from './record-fetcher.ts';
import { S3ExportStorage } from './s3-storage.ts';
import { SnapshotObjects } from './snapshot-objects.ts';
import { FileExportStorage } from './storage.ts';
import { freeBytes, isStorageFull, NotEnoughSpaceError } from '../node/storage-full.ts';
import { neededAgainstFree } from '../model/storage-full.ts';
import type { ExportWorkerCommand, ExportWorkerInput, ExportWorkerMessage } from './worker-protocol.ts';
import { installNodeRuntime } from '../node/runtime.ts';

installNodeRuntime();

const input = workerData as ExportWorkerInput;
const post = (message: ExportWorkerMessage): void => parentPort!.postMessage(message);
/** With a bucket, the snapshot is also kept there, so a worker on another machine resumes from the same records. */
const snapshotObjects = input.s3 ? new SnapshotObjects(new S3ExportStorage(input.s3), input.jobId) : undefined;

/** Bytes this job has put on the disk so far: the plan's estimate, the zip written and the track spool. */
const written = { estimatedBytes: 0, archiveBytes: 0, spoolBytes: 0 };

/** Set when the spool and the archive together crossed the size limit: the reason, whatever wraps it on the way up. */
let overLimit: ExportError | undefined;

/** The track spool counts against the size limit with the archive: both are on the server's disk. */
function checkSizeLimit(): void {
  const total = written.spoolBytes + written.archiveBytes;
  if (total <= input.maxExportBytes) return;
  overLimit ??= new ExportError('QUOTA_EXCEEDED', `the export and its track spool reached ${total} bytes, over this server's limit of ${input.maxExportBytes}`);
  throw overLimit;
}

function countSpool(bytes: number): void {
  written.spoolBytes += bytes;
  checkSizeLimit();
}

/** Asks the runner whether the archive may be stored and waits for its yes (a no terminates this thread). */
function commitGranted(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (command: ExportWorkerCommand): void => {
      if (command.type !== 'commit') return;
      parentPort!.off('message', onMessage);
      resolve();
    };
    parentPort!.on('message', onMessage);
    post({ type: 'committing' });
  });
}

/** The storage sink, counting what reaches it against the size limit; it stores the archive once the runner agrees. */
function sizeLimitedSink(inner: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = inner.getWriter();
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      written.archiveBytes += chunk.byteLength;
      checkSizeLimit();
      await writer.write(chunk);
    },
    close: async () => {
      await commitGranted();
      await writer.close();
    },
    abort: (reason) => writer.abort(reason),
  });
}

async function run(): Promise<void> {
  // Cancelling terminates the thread (the runner then deletes the partial file), so nothing aborts this signal.
  const { signal } = new AbortController();
  let plan: ExportPlan | undefined;
  const planAndCheck = async (source: RecordSource): Promise<void> => {
    plan = await planExport(input.request, source, FORMAT_REGISTRY);
    written.estimatedBytes = plan.estimatedBytes;
    post({ type: 'planned', estimatedBytes: plan.estimatedBytes });
    if (plan.estimatedBytes > input.maxExportBytes) {
      throw new ExportError('QUOTA_EXCEEDED', `the export would be about ${plan.estimatedBytes} bytes, over this server's limit of ${input.maxExportBytes}`);
    }
    // An archive that cannot fit is not started: filling the disk would fail everyone else's writes too.
    const free = input.s3 ? undefined : await freeBytes(input.filesDir);
    if (free !== undefined && plan.estimatedBytes > free) {
      throw new NotEnoughSpaceError(neededAgainstFree('this export', plan.estimatedBytes, free, 'on the server'));
    }
  };
  let snapshot = await openSnapshot(input.spoolDir);
  if (!snapshot && (await snapshotObjects?.restore(input.spoolDir))) {
    snapshot = await openSnapshot(input.spoolDir);
    post({ type: 'snapshotted' });
  }
  if (snapshot) {
    countSpool(snapshot.trackBytes);
    await planAndCheck(snapshot.source);
  } else {
    snapshot = await freshSnapshot(signal, planAndCheck);
  }
  const onProgress = (p: { fraction: number; filesDone: number; recordsRead: number; samplesRead: number; bytesOut: number }): void => post({
    type: 'progress',
    progress: { fraction: p.fraction, filesDone: p.filesDone, recordsRead: p.recordsRead, samplesRead: p.samplesRead, bytesOut: p.bytesOut },
  });
  if (input.resumable && input.attempt !== undefined) {
    const archive = input.s3
      ? await openS3ResumableArchive(new S3ExportStorage(input.s3), input.jobId, input.resume, commitGranted)
      : await openResumableArchive(input.filesDir, input.jobId, input.attempt, input.resume, commitGranted);
    let savedFiles = archive.checkpoint?.files.length ?? 0;
    const result = await runResumableExport(input.request, snapshot.source, sizeLimitedResumableSink(archive.sink), {
      registry: FORMAT_REGISTRY, plan, skipped: snapshot.skipped, signal, onProgress,
      checkpoint: archive.checkpoint,
      saveCheckpoint: async ({ files, ...checkpoint }: ExportCheckpoint) => {
        await checkpointSaved({ type: 'checkpoint', checkpoint, firstIndex: savedFiles, newFiles: files.slice(savedFiles) });
        savedFiles = files.length;
      },
    });
    await snapshotObjects?.deleteAll().catch((error: unknown) => console.warn(`export ${input.jobId}: records snapshot not removed from the bucket:`, error));
    post({ type: 'done', sizeBytes: result.bytesWritten, skippedCount: result.manifest.skipped.length, resumedFromBytes: result.resumedFromBytes });
    return;
  }
  const storage = input.s3 ? new S3ExportStorage(input.s3) : new FileExportStorage(input.filesDir);
  const result = await runExport(input.request, snapshot.source, sizeLimitedSink(storage.createSink(input.jobId, input.attempt)), {
    registry: FORMAT_REGISTRY,
    plan,
    skipped: snapshot.skipped,
    signal,
    onProgress,
  });
  // The archive is stored: the bucket's copy of the snapshot is no longer needed (the local one goes with the job).
  await snapshotObjects?.deleteAll().catch((error: unknown) => console.warn(`export ${input.jobId}: records snapshot not removed from the bucket:`, error));
  post({ type: 'done', sizeBytes: result.bytesWritten, skippedCount: result.manifest.skipped.length });
}

/** Sends a checkpoint to the runner and waits until it is stored (a runner that lost the job terminates us). */
function checkpointSaved(message: Extract<ExportWorkerMessage, { type: 'checkpoint' }>): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (command: ExportWorkerCommand): void => {
      if (command.type !== 'checkpoint-saved') return;
      parentPort!.off('message', onMessage);
      resolve();
    };
    parentPort!.on('message', onMessage);
    post(message);
  });
}

/** A resumable sink whose new bytes count against the size limit (a resume's copied prefix counts too). */
function sizeLimitedResumableSink(inner: ResumableSink): ResumableSink {
  return {
    ...inner,
    async truncate(offsetBytes) {
      // An S3 upload keeps only whole parts: what it kept is what counts (and what the engine rewrites from).
      const kept = await inner.truncate(offsetBytes);
      written.archiveBytes = kept ?? offsetBytes;
      return kept;
    },
    async write(chunk) {
      written.archiveBytes += chunk.byteLength;
      checkSizeLimit();
      await inner.write(chunk);
    },
  };
}

/**
 * Takes the records snapshot with the caller's token, riding out records-API outages; `beforeTracks` plans
 * from the records before any track is fetched. Says when the snapshot is complete.
 */
async function freshSnapshot(signal: AbortSignal, beforeTracks: (records: RecordSource) => Promise<void>): Promise<RecordsSnapshot> {
  if (!input.recordsToken) {
    throw new ExportError('AUTH', 'sign in again and start the export again: its records snapshot is gone, and the session that could take it again ended');
  }
  const client = createRecordsClient({ baseUrl: input.recordsApiUrl, token: input.recordsToken, timeoutMs: input.recordsApi.timeoutMs });
  const fetcher = outageTolerantFetcher(client, {
    policy: { ...DEFAULT_RETRY_POLICY, breakerCooldownMs: input.recordsApi.breakerCooldownMs },
    outageBudgetMs: input.recordsApi.outageBudgetMs,
    sleep: realSleep, now: Date.now, random: Math.random, signal,
    onPause: (untilMs, reason) => post({ type: 'paused', untilMs, reason }),
    onResume: () => post({ type: 'resumed' }),
  });
  await takeSnapshot(fetcher, input.request.filter, input.spoolDir, { signal, onTrackWrite: countSpool, beforeTracks });
  const snapshot = await openSnapshot(input.spoolDir);
  if (!snapshot) throw new ExportError('INTERNAL', 'the records snapshot just taken cannot be read back');
  // Stored before the runner is told: 'snapshotted' lets it drop the caller's token, which a worker elsewhere
  // would need if the bucket had no copy.
  await snapshotObjects?.save(input.spoolDir, input.attempt ?? 0);
  post({ type: 'snapshotted' });
  return snapshot;
}

run().catch((caught: unknown) => {
  const error = overLimit ?? caught;
  const message = error instanceof Error ? error.message : String(error);
  if (isStorageFull(error)) {
    const neededBytes = Math.max(written.estimatedBytes, written.archiveBytes) + written.spoolBytes;
    post({ type: 'failed', code: 'QUOTA_EXCEEDED', message, retryable: false, storageFullNeededBytes: neededBytes });
    return;
  }
  const code = error instanceof ExportError ? error.code : 'INTERNAL';
  post({ type: 'failed', code, message, retryable: error instanceof ExportError && error.retryable });
});
