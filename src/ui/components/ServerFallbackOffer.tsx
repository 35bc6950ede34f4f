// The fallback offer in the wizard: when the plan's size is beyond the free storage (or the person's own device
// limit), offer — with consent, saying what is sent where — to run the export on the export server instead.

import { useEffect, useId, useState } from 'react';
import type { ExportRequest } from '../../model/request.ts';
import { canUsePush, subscribeToServerPush } from '../../platform/push.ts';
import { probeExportServer } from '../../platform/server-client.ts';
import { formatBytes } from '../format.ts';
import { asSentence } from '../../model/sentence.ts';
import { neededAgainstFree } from '../../model/storage-full.ts';
import { loadConnection } from '../connection.ts';
import { serverConnection, startServerExport } from '../server-exports.ts';

/** Why the export does not fit, or undefined when it does. */
export function fallbackReason(estimatedBytes: number, freeBytes: number | undefined, deviceLimitBytes: number): string | undefined {
  if (deviceLimitBytes > 0 && estimatedBytes > deviceLimitBytes) {
    return `This export needs about ${formatBytes(estimatedBytes)}, more than the ${formatBytes(deviceLimitBytes)} you allowed on this device.`;
  }
  if (freeBytes !== undefined && estimatedBytes > freeBytes) {
    return asSentence(neededAgainstFree('this export', estimatedBytes, freeBytes, 'for this app on this device'));
  }
  return undefined;
}

export function ServerFallbackOffer({ estimatedBytes, freeBytes, request, hasPassword, onStarted }: {
  estimatedBytes: number;
  freeBytes?: number;
  /** Builds the request at the moment of consent (its createdAtMs is then). */
  request: () => ExportRequest;
  hasPassword: boolean;
  onStarted: () => void;
}) {
  const ids = useId();
  const [consent, setConsent] = useState(false);
  const [notify, setNotify] = useState(canUsePush());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const connection = loadConnection();
  const reason = fallbackReason(estimatedBytes, freeBytes, connection.deviceLimitBytes);
  const serverUrl = new URL(connection.serverUrl, location.href).href;
  // undefined while asking; '' when an export server answers; else why none does.
  const [absence, setAbsence] = useState<string>();
  const isNeeded = reason !== undefined;
  useEffect(() => {
    if (!isNeeded) return;
    let live = true;
    setAbsence(undefined);
    void probeExportServer(serverUrl).then((why) => { if (live) setAbsence(why ?? ''); });
    return () => { live = false; };
  }, [serverUrl, isNeeded]);
  if (!reason) return null;
  const server = serverConnection();
  const serverHost = new URL(serverUrl).host;
  if (absence === undefined) {
    return (
      <section className="card offer" data-testid="server-offer">
        <p>{reason}</p>
        <p aria-live="polite" className="muted">Looking for an export server at {serverHost}…</p>
      </section>
    );
  }
  if (absence) {
    return (
      <section className="card offer" data-testid="server-offer">
        <p>{reason}</p>
        <p className="warning">{absence}</p>
        <p className="muted">Without one, export fewer kinds or a shorter period, or save to a file you choose.</p>
      </section>
    );
  }

  const onRun = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      await startServerExport(request());
      if (notify && server) {
        const isSubscribed = await subscribeToServerPush(server).catch(() => false);
        if (!isSubscribed) setMessage('Started. Notifications could not be turned on; check History for the result.');
      }
      onStarted();
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${ids}-title`} className="card offer" data-testid="server-offer">
      <h3 id={`${ids}-title`}>Too big for this device: run it on the export server?</h3>
      <p>{reason}</p>
      <p>If you agree, these go to the export server at <strong>{serverHost}</strong>:</p>
      <ul>
        <li>the export's settings (kinds, dates, filters, formats and privacy options above), and</li>
        <li>your access token, which the server uses to read your records from your account's records API (not from this device) and to know the export is yours.</li>
      </ul>
      <p className="muted">The server builds the zip, keeps it for a limited time for you to download, and deletes it after that or when you delete it in History. Your data on this device is not uploaded.{hasPassword ? ' The password you typed is not sent: a server export is not encrypted.' : ''}</p>
      {!server ? (
        <p className="warning">Sign in on the Data screen first (Sync with your account) to use the export server.</p>
      ) : (
        <>
          <label className="check"><input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
            I agree to send the export's settings and my access token to {serverHost}.</label>
          {canUsePush() && (
            <label className="check"><input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />
              Notify me when it is ready (asks for notification permission)</label>
          )}
          <div className="actions">
            <button type="button" disabled={!consent || busy} onClick={() => void onRun()}>{busy ? 'Sending…' : 'Run on the server'}</button>
          </div>
        </>
      )}
      {message && <p aria-live="polite" className="warning">{message}</p>}
    </section>
  );
}
