// A folder the person chose once (showDirectoryPicker) as a MirrorDirectory, and the handle kept in IndexedDB
// so later runs (and the worker) reach it again; the browser keeps the permission per handle, asked once more
// by requestPermission from a click when it lapsed.

import { Dexie, type Table } from 'dexie';
import { createWasmSha256 } from '../engine/sha256.ts';
import type { MirrorDirectory } from '../jobs/mirror.ts';
import { ExportError } from '../model/errors.ts';

/** A chosen folder as stored. */
export interface SavedFolder {
  id: string;
  /** The folder's own name, shown in the UI. */
  name: string;
  handle: FileSystemDirectoryHandle;
  addedAtMs: number;
}

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
};

// Its own small database: the app's schema stays as it is, and a handle is only meaningful on this device.
class FolderDb extends Dexie {
  folders!: Table<SavedFolder, string>;
  constructor() {
    super('takeaway-folders');
    this.version(1).stores({ folders: 'id, addedAtMs' });
  }
}
let folderDb: FolderDb | undefined;
const folders = () => (folderDb ??= new FolderDb()).folders;

/** Whether this browser can pick a folder (Chromium desktop). */
export function canPickFolder(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Opens the folder picker (call from a click) and stores the chosen folder; undefined when dismissed. */
export async function pickFolder(): Promise<SavedFolder | undefined> {
  const picker = (globalThis as unknown as { showDirectoryPicker: (o: object) => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await picker({ id: 'takeaway-mirror', mode: 'readwrite' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return undefined;
    throw error;
  }
  const folder: SavedFolder = { id: crypto.randomUUID(), name: handle.name, handle, addedAtMs: Date.now() };
  await folders().put(folder);
  return folder;
}

export function listFolders(): Promise<SavedFolder[]> {
  return folders().orderBy('addedAtMs').toArray();
}

export function getFolder(id: string): Promise<SavedFolder | undefined> {
  return folders().get(id);
}

/**
 * Whether the app may write the folder now. With `ask` (only from a click) the browser may prompt; without, a
 * lapsed permission gives false, so a run started by a timer fails with a clear next step instead of a prompt.
 */
export async function hasFolderPermission(handle: FileSystemDirectoryHandle, ask: boolean): Promise<boolean> {
  const h = handle as PermissionHandle;
  if (typeof h.queryPermission !== 'function') return true;
  if ((await h.queryPermission({ mode: 'readwrite' })) === 'granted') return true;
  if (!ask || typeof h.requestPermission !== 'function') return false;
  return (await h.requestPermission({ mode: 'readwrite' })) === 'granted';
}

/** The folder stored as `id`, checked for write permission; throws `SINK_CLOSED` with what to do otherwise. */
export async function openFolderForMirror(id: string): Promise<MirrorDirectory> {
  const folder = await getFolder(id);
  if (!folder) throw new ExportError('SINK_CLOSED', 'the folder of this schedule is no longer known on this device; choose it again');
  if (!(await hasFolderPermission(folder.handle, false))) {
    throw new ExportError('SINK_CLOSED', `the browser no longer lets the app write to "${folder.name}"; open Automate and allow the folder again`);
  }
  return fsaDirectory(folder.handle);
}

/** A MirrorDirectory over a directory handle: paths are `/`-separated, parent folders are made on write. */
export function fsaDirectory(root: FileSystemDirectoryHandle): MirrorDirectory {
  const parentOf = async (path: string, create: boolean): Promise<[FileSystemDirectoryHandle, string]> => {
    const parts = path.split('/').filter(Boolean);
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create });
    return [dir, parts[parts.length - 1]];
  };
  const fileOf = async (path: string): Promise<File | undefined> => {
    try {
      const [dir, name] = await parentOf(path, false);
      return await (await dir.getFileHandle(name)).getFile();
    } catch (error) {
      if (error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')) return undefined;
      throw error;
    }
  };
  return {
    async list() {
      const paths: string[] = [];
      const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
        for await (const [name, entry] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
          if (entry.kind === 'directory') await walk(entry as FileSystemDirectoryHandle, `${prefix}${name}/`);
          else paths.push(`${prefix}${name}`);
        }
      };
      await walk(root, '');
      return paths.sort();
    },
    async readHash(path) {
      const file = await fileOf(path);
      if (!file) return undefined;
      const hasher = await createWasmSha256();
      const reader = file.stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) hasher.update(r.value);
      return hasher.digestHex();
    },
    async readText(path) {
      return (await fileOf(path))?.text();
    },
    async write(path, content) {
      const [dir, name] = await parentOf(path, true);
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      try {
        for await (const chunk of content) await writable.write(chunk as Uint8Array<ArrayBuffer>);
        await writable.close();
      } catch (error) {
        await writable.abort().catch(() => undefined);
        throw error;
      }
    },
    async remove(path) {
      try {
        const [dir, name] = await parentOf(path, false);
        await dir.removeEntry(name);
      } catch (error) {
        if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
      }
    },
  };
}
