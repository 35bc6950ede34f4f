// The embedded server owns its data directory alone: two processes on one directory would run each other's jobs
// and delete each other's files. A lock file holds the owner's pid; a lock whose process is gone (a crash, a
// SIGKILL) is stale and taken over.

import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export class DataDirLockedError extends Error {}

/** A held lock; `release` removes the file (only if it is still ours). */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Takes `<dataDir>/server.lock`, or throws DataDirLockedError naming the process that holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, 'server.lock');
  // Two tries: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return {
        async release() {
          if ((await readPid(file)) === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = await readPid(file);
    if (pid !== undefined && isAlive(pid)) {
      throw new DataDirLockedError(`another takeaway-server (pid ${pid}) is using the data directory ${dataDir}; stop it first, or start this one with another TAKEAWAY_DATA_DIR (several instances on shared data need the scaled mode: TAKEAWAY_DATABASE_URL, docs/server.md)`);
    }
    await rm(file, { force: true });
  }
  throw new DataDirLockedError(`the lock file ${file} keeps coming back; another server is starting on the data directory ${dataDir}`);
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
