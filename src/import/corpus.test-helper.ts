// Test-only access to the shared corpus of real device files, read in place (never copied into the repo).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

/** Names of the files directly in `corpus/<folder>` with the extension. */
export function corpusFiles(folder: string, extension: string): string[] {
  return readdirSync(path.join(corpusDir, folder)).filter((name) => name.endsWith(extension)).sort();
}

export function readCorpus(folder: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(corpusDir, folder, name)));
}

export function corpusPath(folder: string, name: string): string {
  return path.join(corpusDir, folder, name);
}
