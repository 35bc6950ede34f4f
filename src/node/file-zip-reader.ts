// A zip.js Reader over a file on disk, reading only the ranges it asks for (verify never loads the archive whole).

import { open, type FileHandle } from 'node:fs/promises';
import { Reader } from '@zip.js/zip.js';

export class FileZipReader extends Reader<FileHandle> {
  constructor(private readonly handle: FileHandle, size: number) {
    super(handle);
    this.size = size;
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.handle.read(bytes, 0, length, index);
    return bytesRead === length ? bytes : bytes.subarray(0, bytesRead);
  }

  /** Closes the file; zip.js never does. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

export async function fileZipReader(path: string): Promise<FileZipReader> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return new FileZipReader(handle, size);
}

/** Runs `use` with a reader over the file and closes the file afterwards. */
export async function withFileZipReader<T>(path: string, use: (reader: FileZipReader) => Promise<T>): Promise<T> {
  const reader = await fileZipReader(path);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}

/** A file on disk as the importer's random-access source (src/import/streaming-input.ts); `close` closes the handle. */
export async function fileRandomAccess(path: string): Promise<{ size: number; read(offset: number, length: number): Promise<Uint8Array>; close(): Promise<void> }> {
  const reader = await fileZipReader(path);
  return { size: reader.size, read: (offset, length) => reader.readUint8Array(offset, length), close: () => reader.close() };
}
