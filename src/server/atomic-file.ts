// Small JSON files written atomically (temporary file + rename), so a crash never leaves half a file under the real name.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `value` as JSON to `path` through `<path>.<random>.tmp` and a rename (atomic on POSIX file systems).
 * @param mode file permission bits; default 0o600 (job rows hold records-API tokens, secrets hold keys)
 */
export async function writeJsonAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  const tmpPath = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmpPath, `${JSON.stringify(value)}\n`, { mode });
    await rename(tmpPath, path);
  } catch (error) {
    await rm(tmpPath, { force: true });
    throw error;
  }
}

/** The parsed JSON of `path`, or undefined when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
