// Feature detection, done once: which save targets, share sheet and notifications this browser offers.
// Modelled on browser-fs-access's supported.mjs: check once, pick the implementation from the answer.

/** What the page can use. Every flag is checked without side effects (no prompts, no files created). */
export interface PlatformSupport {
  /** `window.showSaveFilePicker` (File System Access; Chromium desktop). */
  hasSavePicker: boolean;
  /** The origin-private file system (`navigator.storage.getDirectory`). */
  hasOpfs: boolean;
  /** `navigator.share` and `navigator.canShare` both exist (the real answer needs the real File). */
  hasShare: boolean;
  /** Notifications through a service worker registration. */
  hasNotifications: boolean;
  /** `navigator.storage.estimate`, for "needed vs free" when storage runs out. */
  hasStorageEstimate: boolean;
}

let cached: PlatformSupport | undefined;

/** The platform's capabilities, detected on first call and cached for the page's life. */
export function detectSupport(): PlatformSupport {
  cached ??= {
    hasSavePicker: typeof (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker === 'function',
    hasOpfs: typeof navigator.storage?.getDirectory === 'function',
    hasShare: typeof navigator.share === 'function' && typeof navigator.canShare === 'function',
    hasNotifications: typeof Notification !== 'undefined' && 'serviceWorker' in navigator,
    hasStorageEstimate: typeof navigator.storage?.estimate === 'function',
  };
  return cached;
}

/** Forgets the cached answer (tests change the globals between cases). */
export function resetSupportForTests(): void {
  cached = undefined;
}
