// A job's records snapshot (record-fetcher.ts) kept in the bucket next to its archive, so a worker on another
// machine resumes from the same records: without reading the records API again and without the caller's token.
// Objects are `<prefix><jobId>.snapshot/<attempt>/<file>`, mirroring the spool directory, with `index.json`
// uploaded last: as on disk, its presence marks a complete copy. Each attempt writes only under its own number,
// so a stalled worker cannot change a copy another worker reads; a restore takes the complete copy of the lowest
// attempt, so every later attempt exports the same data. `S3ExportStorage.delete(jobId)` removes them with the archive.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { ExportError } from '../model/errors.ts';
import { SNAPSHOT_INDEX_FILE } from './record-fetcher.ts';
import type { S3ExportStorage } from './s3-storage.ts';

const JOB_ID_PATTERN = /^[0-9a-f-]{36}$/;
/** `<attempt>/<relative path>` below a job's snapshot root; no empty, dot or dot-dot segments. */
const OBJECT_PATH_PATTERN = /^(\d{1,9})\/((?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*)$/;
const CONTENT_TYPE = 'application/x-ndjson';

/** The snapshot objects of one job. */
export class SnapshotObjects {
  constructor(private readonly storage: S3ExportStorage, private readonly jobId: string) {
    if (!JOB_ID_PATTERN.test(jobId)) throw new RangeError(`not a job id: ${JSON.stringify(jobId)}`);
  }

  private get root(): string {
    return `${this.storage.keyPrefix}${this.jobId}.snapshot/`;
  }

  /** Uploads the complete snapshot in `dir` as attempt `attempt`'s copy, `index.json` last. */
  async save(dir: string, attempt: number): Promise<void> {
    if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a whole number, got ${attempt}`);
    const files = await filesUnder(dir);
    if (!files.includes(SNAPSHOT_INDEX_FILE)) throw new ExportError('INTERNAL', `the records snapshot in ${dir} is not complete (no ${SNAPSHOT_INDEX_FILE})`);
    for (const file of [...files.filter((f) => f !== SNAPSHOT_INDEX_FILE), SNAPSHOT_INDEX_FILE]) {
      const body = Readable.toWeb(createReadStream(path.join(dir, file))) as unknown as ReadableStream<Uint8Array>;
      await body.pipeTo(this.storage.objectSink(`${this.root}${attempt}/${file}`, CONTENT_TYPE));
    }
  }

  /**
   * Downloads the complete copy of the lowest attempt into `dir` (replacing what is there), `index.json` last so
   * a cut-off download is no snapshot. False when the bucket holds no complete copy.
   */
  async restore(dir: string): Promise<boolean> {
    const byAttempt = new Map<number, string[]>();
    for (const { objectKey } of await this.storage.listObjects(this.root)) {
      const match = OBJECT_PATH_PATTERN.exec(objectKey.slice(this.root.length));
      if (!match) continue; // not written by save(): never read
      const attempt = Number(match[1]);
      byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), match[2]!]);
    }
    const complete = [...byAttempt].filter(([, files]) => files.includes(SNAPSHOT_INDEX_FILE)).sort(([a], [b]) => a - b)[0];
    if (!complete) return false;
    const [attempt, files] = complete;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const file of [...files.filter((f) => f !== SNAPSHOT_INDEX_FILE), SNAPSHOT_INDEX_FILE]) {
      const body = await this.storage.getObject(`${this.root}${attempt}/${file}`);
      if (!body) throw new ExportError('SINK_FAILED', `the records snapshot of export ${this.jobId} lost ${file} while it was read back`, { retryable: true });
      const target = path.join(dir, file);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>), createWriteStream(`${target}.download`, { mode: 0o600 }));
      await rename(`${target}.download`, target);
    }
    return true;
  }

  /** Deletes every copy, each `index.json` first, so a deletion cut off halfway leaves no complete copy. */
  async deleteAll(): Promise<void> {
    const keys = (await this.storage.listObjects(this.root)).map((o) => o.objectKey);
    const isIndex = (key: string): boolean => key.endsWith(`/${SNAPSHOT_INDEX_FILE}`);
    for (const key of [...keys.filter(isIndex), ...keys.filter((k) => !isIndex(k))]) await this.storage.deleteObject(key);
  }
}

/** Relative paths (with `/`) of every file under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}
