// What an account-export importer gets: the opened archive and a way to import one of its members the ordinary way.

import type { ImportItem } from '../types.ts';
import type { ZipArchive } from '../zip.ts';

export interface AccountArchive {
  /** The archive's name as given (`export.zip`), prefixed to member paths in item `file`s. */
  name: string;
  archive: ZipArchive;
  nowMs: number;
  signal?: AbortSignal;
  /** Imports one member by its extension (FIT, GPX, TCX, a zip of them), as if it were a file of its own. */
  importMember(path: string): AsyncIterable<ImportItem>;
}

/** Every member's items, in archive order, for the members `paths` names. */
export async function* importMembers(account: AccountArchive, paths: readonly string[]): AsyncIterable<ImportItem> {
  for (const path of paths) {
    account.signal?.throwIfAborted();
    yield* account.importMember(path);
  }
}
