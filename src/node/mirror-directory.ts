// Node only: a MirrorDirectory over a real folder (CLI, tests; the browser uses a File System Access adapter).

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { MirrorDirectory } from '../jobs/mirror.ts';

export function nodeDirectory(root: string): MirrorDirectory {
  const full = (path: string) => join(root, ...path.split('/'));
  return {
    async list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
    },
    async readHash(path) {
      const hash = createHash('sha256');
      try {
        for await (const chunk of createReadStream(full(path))) hash.update(chunk as Buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return hash.digest('hex');
    },
    readText: (path) => readFile(full(path), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    }),
    async write(path, content) {
      await mkdir(dirname(full(path)), { recursive: true });
      await pipeline(Readable.from(content), createWriteStream(full(path)));
    },
    remove: (path) => rm(full(path), { force: true }),
  };
}
