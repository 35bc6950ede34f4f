// Where finished archives live: one small interface, a file-system implementation, and the contract an
// S3-compatible implementation must meet (see docs/server.md).

import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileSink } from '../node/file-sink.ts';

/**
 * Storage of export archives by key (the job id). Implementations must make `createSink` atomic: the object
 * appears under its key only when the stream closes, never after an abort, so a half-written archive is never
 * served (S3: a multipart upload completed on close and aborted on abort; files: `.partial` + rename).
 */
export interface ExportStorage {
  /**
   * A stream that stores the bytes under `key` when closed; abort discards them. `attempt` (the job's claim
   * number) keeps the partial bytes of two workers on one job apart until one of them closes.
   */
  createSink(key: string, attempt?: number): WritableStream<Uint8Array>;
  /** Size in bytes of a complete object, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** The bytes of a complete object, or undefined when there is none. */
  read(key: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Deletes the object and any partial upload; no error when absent. */
  delete(key: string): Promise<void>;
  /** Complete objects with when they were written (for retention sweeps of orphans). */
  list(): Promise<StoredArchive[]>;
  /**
   * A URL the client can fetch directly until `expiresAtMs` (an S3 presigned GET). Absent on the file system:
   * the server streams the file itself behind its own signed link.
   */
  presignedUrl?(key: string, expiresAtMs: number, fileName: string): Promise<string>;
}

/** A complete archive as listed: its key and when it was last written, epoch ms UTC (NaN when unknown). */
export interface StoredArchive {
  key: string;
  modifiedAtMs: number;
}

const KEY_PATTERN = /^[0-9a-f-]{36}$/;

/** Archives as `<dir>/<key>.zip`, written through the CLI's atomic file sink. */
export class FileExportStorage implements ExportStorage {
  constructor(readonly dir: string) {}

  /**
   * Creates the directory and removes `.partial` files left by a process that died mid-write. In scaled mode
   * (`keepPartials`) other instances may be writing them: a partial belongs to its job and goes with it.
   */
  async init(options: { keepPartials?: boolean } = {}): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (options.keepPartials) return;
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.partial')) await rm(path.join(this.dir, name), { force: true });
    }
  }

  createSink(key: string, attempt?: number): WritableStream<Uint8Array> {
    const file = this.pathOf(key);
    return fileSink(file, attempt === undefined ? undefined : `${file}.${attempt}.partial`);
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
    if ((await this.size(key)) === undefined) return undefined;
    return Readable.toWeb(createReadStream(this.pathOf(key))) as ReadableStream<Uint8Array>;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    const file = this.pathOf(key);
    const partials = (await readdir(this.dir).catch(() => [])).filter((n) => n.startsWith(`${key}.zip.`) && n.endsWith('.partial'));
    for (const name of partials) await rm(path.join(this.dir, name), { force: true });
    await rm(`${file}.partial`, { force: true });
  }

  async list(): Promise<StoredArchive[]> {
    const archives: StoredArchive[] = [];
    for (const name of (await readdir(this.dir)).filter((n) => n.endsWith('.zip'))) {
      const modifiedAtMs = await stat(path.join(this.dir, name)).then((s) => s.mtimeMs, (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined; // deleted since readdir
        throw error;
      });
      if (modifiedAtMs !== undefined) archives.push({ key: name.slice(0, -4), modifiedAtMs });
    }
    return archives;
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`not a storage key: ${JSON.stringify(key)}`);
    return path.join(this.dir, `${key}.zip`);
  }
}
