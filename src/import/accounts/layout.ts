// Which account export an archive is, told by its layout (the folders and file names each platform writes).

import { appleHealthExportXml, importAppleHealth } from './apple-health.ts';
import { importGarminExport, isGarminExport } from './garmin.ts';
import { importGoogleFitTakeout, isGoogleFitTakeout } from './google-fit.ts';
import type { AccountArchive } from './account-archive.ts';
import type { ImportItem } from '../types.ts';

/** An account export recognised by its layout, with what its importer needs to start. */
export type AccountLayout = { kind: 'apple-health'; exportXml: string } | { kind: 'garmin' } | { kind: 'google-fit' };

/** The account export `paths` (an archive's member paths) lay out, or undefined for any other zip. */
export function detectAccountLayout(paths: readonly string[]): AccountLayout | undefined {
  const exportXml = appleHealthExportXml(paths);
  if (exportXml) return { kind: 'apple-health', exportXml };
  if (isGarminExport(paths)) return { kind: 'garmin' };
  if (isGoogleFitTakeout(paths)) return { kind: 'google-fit' };
  return undefined;
}

/** The account export's items: activities, records, and per-member errors. */
export function importAccountExport(layout: AccountLayout, account: AccountArchive): AsyncIterable<ImportItem> {
  switch (layout.kind) {
    case 'apple-health':
      return importAppleHealth(account, layout.exportXml);
    case 'garmin':
      return importGarminExport(account);
    case 'google-fit':
      return importGoogleFitTakeout(account);
  }
}
