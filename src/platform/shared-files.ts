// Files that arrive from outside the page: the share sheet (a POST the service worker stashes in a Cache)
// and the OS "open with" (launchQueue). Both end as plain File objects for the import.

/** Cache where the service worker keeps shared files until the page takes them. */
export const SHARED_FILES_CACHE = 'takeaway-shared-files';
/** Header carrying the original file name of a stashed file (URL-encoded). */
export const SHARED_NAME_HEADER = 'x-takeaway-file-name';
/** Where the manifest's share_target posts. */
export const SHARE_TARGET_PATH = '/share-target';

/** Takes the files the service worker stashed from a share, and removes them from the cache. */
export async function takeSharedFiles(): Promise<File[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(SHARED_FILES_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) {
      const name = decodeURIComponent(response.headers.get(SHARED_NAME_HEADER) ?? request.url.split('/').pop() ?? 'shared');
      files.push(new File([await response.blob()], name, { type: response.headers.get('content-type') ?? '' }));
    }
    await cache.delete(request);
  }
  return files;
}

interface LaunchParams { files: FileSystemFileHandle[] }
interface LaunchQueue { setConsumer(consumer: (params: LaunchParams) => void): void }

/** Calls `onFiles` with the files the app was opened with (installed PWA file handlers); no-op elsewhere. */
export function onLaunchFiles(onFiles: (files: File[]) => void): void {
  const queue = (globalThis as { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => {
    if (!params.files?.length) return;
    void Promise.all(params.files.map((handle) => handle.getFile())).then(onFiles);
  });
}
