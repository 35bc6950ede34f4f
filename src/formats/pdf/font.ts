// The report's Unicode font: how it is loaded (fetched in the worker, read from disk in Node, or injected)
// and registered with jsPDF, which embeds only the glyphs the report uses.

import type { jsPDF } from 'jspdf';
import { ExportError } from '../../model/errors.ts';

/** Gives the TrueType font bytes. Injected so the encoder itself does no I/O of its own choosing. */
export type FontLoader = () => Promise<Uint8Array>;

/** Where the PWA serves the font (public/fonts/ in the repo). Its licences sit beside it. */
export const REPORT_FONT_URL_PATH = '/fonts/takeaway-report-sans.ttf';
/** The jsPDF font family name the report uses for every text. */
export const REPORT_FONT_FAMILY = 'TakeawayReportSans';

/** Fetches the font from a URL (the worker's way). */
export function fetchFontLoader(url: string | URL): FontLoader {
  return async () => {
    const response = await fetch(url);
    if (!response.ok) throw new ExportError('UNSUPPORTED', `report font ${String(url)} could not be loaded: HTTP ${response.status}`, { retryable: true });
    return new Uint8Array(await response.arrayBuffer());
  };
}

let cachedDefault: Promise<Uint8Array> | undefined;

/**
 * The default loader: in a worker or page, fetch `/fonts/takeaway-report-sans.ttf` from the app's origin;
 * in Node (CLI, server, tests), read `public/fonts/takeaway-report-sans.ttf` from the repository.
 * The bytes are cached after the first load.
 */
export const defaultFontLoader: FontLoader = () => {
  cachedDefault ??= (typeof location !== 'undefined'
    ? fetchFontLoader(new URL(REPORT_FONT_URL_PATH, location.href))()
    : readRepoFont()).catch((error: unknown) => {
    cachedDefault = undefined;
    throw error;
  });
  return cachedDefault;
};

async function readRepoFont(): Promise<Uint8Array> {
  // A variable specifier keeps bundlers and the no-Node engine types away from node:fs; this branch runs only in Node.
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as { readFile(path: URL): Promise<Uint8Array> };
  return new Uint8Array(await fs.readFile(new URL(`../../../public${REPORT_FONT_URL_PATH}`, import.meta.url)));
}

/** jsPDF's virtual file system takes a "binary string": one char per byte. */
function binaryString(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
  return parts.join('');
}

/** Adds the font to a document and selects it. jsPDF subsets it on output to the glyphs used. */
export function registerFont(doc: jsPDF, bytes: Uint8Array): void {
  const file = `${REPORT_FONT_FAMILY}.ttf`;
  doc.addFileToVFS(file, binaryString(bytes));
  doc.addFont(file, REPORT_FONT_FAMILY, 'normal');
  doc.setFont(REPORT_FONT_FAMILY, 'normal');
}
