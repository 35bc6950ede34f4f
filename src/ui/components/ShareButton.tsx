// A Share button that exists only when the share sheet accepts the real files; never a broken button.
// Where the zip is refused (Chromium), it offers the export's PDF and CSV files instead and says why.

import { useEffect, useState } from 'react';
import { canShareFiles, shareFiles } from '../../platform/share.ts';
import { bridge, support } from '../services.ts';

/** `fileName` names the zip on the share sheet (the stored file's own name is internal). */
export function ShareButton({ historyId, fileName, zip }: { historyId: string; fileName?: string; zip?: File }) {
  const [zipFile, setZipFile] = useState<File | undefined>(zip);
  const [fallback, setFallback] = useState<File[]>();
  const [status, setStatus] = useState<string>();

  useEffect(() => {
    if (!support.hasShare) return;
    let live = true;
    void (async () => {
      const file = zip ?? (await bridge.savedZip(historyId).catch(() => undefined));
      if (!live || !file) return;
      const name = fileName ?? (file.name.endsWith('.zip') ? file.name : 'takeaway-export.zip');
      const named = file.name === name ? file : new File([file], name, { type: 'application/zip' });
      if (canShareFiles([named])) {
        setZipFile(named);
        return;
      }
      setZipFile(undefined);
      const { files } = await bridge.shareCandidates(historyId).catch(() => ({ files: [] as File[] }));
      if (live && files.length && canShareFiles(files)) setFallback(files);
    })();
    return () => { live = false; };
  }, [historyId, fileName, zip]);

  const share = async (files: File[]) => {
    try {
      const outcome = await shareFiles(files);
      setStatus(outcome === 'shared' ? 'Shared.' : undefined);
    } catch (error) {
      setStatus(`Sharing failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  if (!support.hasShare) return null;
  if (zipFile) return <><button type="button" className="secondary" onClick={() => share([zipFile])}>Share zip</button>{status && <span role="status">{status}</span>}</>;
  if (fallback) {
    return (
      <>
        <button type="button" className="secondary" onClick={() => share(fallback)}>Share {fallback.length} PDF/CSV file{fallback.length > 1 ? 's' : ''}</button>
        <span className="muted">This browser's share sheet does not take zip files, so the zip is saved instead.</span>
        {status && <span role="status">{status}</span>}
      </>
    );
  }
  return null;
}
