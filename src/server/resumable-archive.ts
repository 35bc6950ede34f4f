// The archive of a scaled-mode job on the file system, written so another attempt can continue it: attempt N
// writes `<id>.zip.N.partial` at explicit offsets (src/node/resumable-file-sink.ts); attempt N+1 copies the
// bytes the stored checkpoint covers from the partial of the attempt that wrote it and replays from there. A copy,
// not a rename: a stalled earlier attempt that wakes up may still write to its own file, never to ours.

import { copyFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExportCheckpoint, ResumableSink } from '../engine/resume.ts';
import { openResumableFileSink, partialPathOf } from '../node/resumable-file-sink.ts';

export interface ResumableArchive {
  sink: ResumableSink;
  /** The checkpoint to continue from, or undefined when the earlier attempt's bytes are not there. */
  checkpoint?: ExportCheckpoint;
}

/**
 * Opens attempt `attempt`'s archive of job `jobId` in `filesDir`. `beforeStore` runs before the finished archive
 * takes the job's name (`<id>.zip`): the fence check of the scaled runner.
 */
export async function openResumableArchive(
  filesDir: string,
  jobId: string,
  attempt: number,
  resume: { checkpoint: ExportCheckpoint; fromAttempt: number } | undefined,
  beforeStore: () => Promise<void>,
): Promise<ResumableArchive> {
  const finalPath = path.join(filesDir, `${jobId}.zip`);
  const attemptPath = `${finalPath}.${attempt}`;
  let checkpoint: ExportCheckpoint | undefined;
  if (resume && resume.fromAttempt !== attempt) {
    try {
      await copyFile(partialPathOf(`${finalPath}.${resume.fromAttempt}`), partialPathOf(attemptPath));
      checkpoint = resume.checkpoint;
    } catch (error) {
      // The earlier attempt's bytes are gone (another machine, a cleanup): start from byte 0.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const inner = await openResumableFileSink(attemptPath);
  // Shorter than the checkpoint (a crash lost bytes after it): start over rather than fail.
  if (checkpoint && (await inner.size()) < checkpoint.offsetBytes) checkpoint = undefined;
  return { checkpoint, sink: withStoreCheck(inner, beforeStore, () => rename(attemptPath, finalPath)) };
}

/**
 * `sink` whose close first runs `beforeStore` (the scaled runner's fence check: a worker that lost its claim stores
 * nothing), then closes it, then `afterClose` (the file system's rename into the job's name). Both archives use it.
 */
export function withStoreCheck(sink: ResumableSink, beforeStore: () => Promise<void>, afterClose: () => Promise<void> = async () => {}): ResumableSink {
  return {
    ...sink,
    async close() {
      await beforeStore();
      await sink.close();
      await afterClose();
    },
  };
}

/** Removes the partial archives every attempt of a job left (after it completed: none is needed any more). */
export async function removeAttemptPartials(filesDir: string, jobId: string): Promise<void> {
  const names = await readdir(filesDir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(`${jobId}.zip.`) && name.endsWith('.partial')) await rm(path.join(filesDir, name), { force: true });
  }
}
