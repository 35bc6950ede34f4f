// The engine's ResumableSink over one S3 multipart upload: the uploaded parts are the durable prefix of the
// archive, so an export interrupted on one machine continues on another from the last whole part. Parts have a
// fixed size and exports are deterministic, so part N holds the same bytes whichever attempt uploads it; a resume
// keeps parts 1..k (k whole parts at or before the checkpoint) and the engine rewrites from there.

import type { ExportCheckpoint, ResumableSink } from '../engine/resume.ts';
import { withStoreCheck } from './resumable-archive.ts';
import { PartBuffer, type S3ExportStorage } from './s3-storage.ts';

/** A resumable sink and the upload it writes to. */
export interface S3ResumableSink extends ResumableSink {
  readonly uploadId: string;
}

/**
 * Opens the archive upload of `key`: the oldest upload still open on it (an interrupted attempt's, perhaps on
 * another machine), or a new one. Its `size()` is the whole parts uploaded from part 1 on.
 */
export async function openS3ResumableSink(storage: S3ExportStorage, key: string): Promise<S3ResumableSink> {
  const objectKey = storage.archiveObjectKey(key);
  const partBytes = storage.partBytes;
  let uploadId: string | undefined = (await storage.openUploads(objectKey))[0];
  let etags: string[] = [];
  if (uploadId) {
    const parts = await storage.listParts(objectKey, uploadId);
    if (parts) {
      // Only an unbroken run of full parts from part 1 counts: a gap or a short part ends the durable prefix.
      for (const [i, part] of parts.entries()) {
        if (part.partNumber !== i + 1 || part.sizeBytes !== partBytes) break;
        etags.push(part.etag);
      }
    } else {
      uploadId = undefined;
    }
  }
  uploadId ??= await storage.createUpload(objectKey);
  const id = uploadId;
  const buffer = new PartBuffer(partBytes);

  const uploadBuffered = async (): Promise<void> => {
    etags.push(await storage.uploadPart(objectKey, id, etags.length + 1, buffer.pending));
    buffer.clear();
  };

  return {
    uploadId: id,
    keepsWholeParts: true,
    size: async () => etags.length * partBytes,
    async truncate(offsetBytes) {
      const keepParts = Math.min(etags.length, Math.floor(offsetBytes / partBytes));
      etags = etags.slice(0, keepParts);
      buffer.clear();
      return keepParts * partBytes;
    },
    write: (chunk) => buffer.add(chunk, uploadBuffered),
    // Nothing to flush: a part is durable once uploaded, and a part under the minimum cannot be uploaded early.
    async close() {
      if (buffer.pending.byteLength > 0 || etags.length === 0) await uploadBuffered();
      // Parts beyond the last listed (left by a longer earlier attempt) are dropped by the completion.
      await storage.completeUpload(objectKey, id, etags);
    },
    abort: () => storage.abortUpload(objectKey, id),
    async release() {
      buffer.clear();
    },
  };
}

/**
 * The archive of a scaled-mode job in the bucket, continued from `resume` (the checkpoint stored with the job)
 * when the upload still holds whole parts up to it, else from byte 0. `beforeStore` runs before the upload is
 * completed: the scaled runner's fence check. Same shape as the file system's `openResumableArchive`.
 */
export async function openS3ResumableArchive(
  storage: S3ExportStorage,
  jobId: string,
  resume: { checkpoint: ExportCheckpoint } | undefined,
  beforeStore: () => Promise<void>,
): Promise<{ sink: ResumableSink; checkpoint?: ExportCheckpoint }> {
  const inner = await openS3ResumableSink(storage, jobId);
  // A checkpoint past the uploaded parts is still usable: the sink keeps the whole parts before it (none, at
  // worst) and the engine rewrites from there, checking the replayed bytes against the checkpoint's hash.
  return { checkpoint: resume?.checkpoint, sink: withStoreCheck(inner, beforeStore) };
}
