// Save methods, in order of preference: (1) the save picker streams into a file the person chose,
// (2) the OPFS export workspace, then a download or the share sheet, (3) a plain download from memory.
// One contract, three implementations, all exported for tests (the browser-fs-access pattern).

import type { PlatformSupport } from './support.ts';
import type { SavedZip, WorkerSaveTarget } from './save-target.ts';

export type SaveMethodKind = 'picker' | 'opfs' | 'download';

export interface SaveMethod {
  kind: SaveMethodKind;
  /** Short name for the UI ("Save to a file you choose"). */
  label: string;
  /** One sentence on where the zip goes, shown in the preview and on the job screen. */
  description: string;
  /** True only for the download fallback: the whole zip is held in memory before it is saved. */
  isHeldInMemory: boolean;
  /**
   * Picks the target. Call it straight from the click handler: the picker needs the user activation.
   * Resolves `null` when the person dismisses the picker (quiet: cancelling is not an error).
   */
  chooseTarget(suggestedName: string): Promise<WorkerSaveTarget | null>;
  /** Hands the finished zip to the person (download), where the method needs a step after writing. */
  deliver(saved: SavedZip): void;
}

interface SavePickerWindow {
  showSaveFilePicker(options: {
    suggestedName: string;
    types: { description: string; accept: Record<string, string[]> }[];
  }): Promise<FileSystemFileHandle>;
}

/** (1) File System Access: the worker streams into the chosen file through `createWritable()`. */
export const pickerSaveMethod: SaveMethod = {
  kind: 'picker',
  label: 'Save to a file you choose',
  description: 'You pick the file; the zip streams straight to it, never held in memory.',
  isHeldInMemory: false,
  async chooseTarget(suggestedName) {
    try {
      const handle = await (globalThis as unknown as SavePickerWindow).showSaveFilePicker({
        suggestedName,
        types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }],
      });
      return { kind: 'file-handle', handle };
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return null;
      throw error;
    }
  },
  deliver() {
    // Nothing to do: the zip is already in the person's file.
  },
};

/** (2) OPFS: the worker writes with a sync access handle; the disk-backed File is then downloaded. */
export const opfsSaveMethod: SaveMethod = {
  kind: 'opfs',
  label: 'App storage, then download',
  description: "The zip streams into this app's private storage on disk, then downloads (or goes to the share sheet).",
  isHeldInMemory: false,
  async chooseTarget() {
    return { kind: 'opfs' };
  },
  deliver(saved) {
    if (saved.file) downloadFile(saved.file, saved.fileName);
  },
};

/** (3) Plain download: the worker collects the zip in memory, the only path that does. */
export const downloadSaveMethod: SaveMethod = {
  kind: 'download',
  label: 'Download (held in memory)',
  description: 'This browser has neither a save picker nor private file storage: the whole zip is held in memory, then downloaded.',
  isHeldInMemory: true,
  async chooseTarget() {
    return { kind: 'memory' };
  },
  deliver(saved) {
    if (saved.file) downloadFile(saved.file, saved.fileName);
  },
};

/** The best method this browser offers. */
export function chooseSaveMethod(support: PlatformSupport): SaveMethod {
  if (support.hasSavePicker) return pickerSaveMethod;
  if (support.hasOpfs) return opfsSaveMethod;
  return downloadSaveMethod;
}

/** All methods this browser can use, best first (the wizard lets a person pick a lesser one). */
export function availableSaveMethods(support: PlatformSupport): SaveMethod[] {
  const methods: SaveMethod[] = [];
  if (support.hasSavePicker) methods.push(pickerSaveMethod);
  if (support.hasOpfs) methods.push(opfsSaveMethod);
  methods.push(downloadSaveMethod);
  return methods;
}

/** Starts a download of a Blob or a disk-backed OPFS File through an `<a download>`. */
export function downloadFile(file: Blob, fileName: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its reference by the next task; revoke later so slow starts still work.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
