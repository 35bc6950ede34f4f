// Where the export worker writes a zip: the three targets, as plain data that crosses the worker boundary.

/** Sent to the worker with a run. A FileSystemFileHandle is structured-cloneable, so the picker's handle travels as is. */
export type WorkerSaveTarget =
  | { kind: 'file-handle'; handle: FileSystemFileHandle }
  | { kind: 'opfs' }
  | { kind: 'memory' };

/** What the worker hands back after a run, per target. */
export interface SavedZip {
  /** Name of the zip as saved or offered for download. */
  fileName: string;
  /** Path in the OPFS export workspace (`exports/<id>.zip`) when the zip lives there. */
  opfsPath?: string;
  /**
   * The finished zip: a disk-backed File from OPFS (`getFile()`), or, on the memory target only, a Blob
   * built from the parts the worker collected. Absent on the picker target: the zip is in the person's file.
   */
  file?: File;
}

/** Directory of the OPFS export workspace. */
export const OPFS_EXPORT_DIR = 'exports';
