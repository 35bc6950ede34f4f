// Server exports from the page: the connection from the saved settings, starting one, and a polled list.

import { useEffect, useState } from 'react';
import type { ExportRequest } from '../model/request.ts';
import { createServerExport, listServerExports, type ServerConnection, type ServerJobView } from '../platform/server-client.ts';
import { loadConnection, withTrailingSlash } from './connection.ts';

/** How often the list is refreshed while an export is still running on the server. */
const POLL_ACTIVE_MS = 2_000;
/** How often otherwise (statuses, expiry, fresh download links). */
const POLL_IDLE_MS = 30_000;

/** The server and token of the saved settings, or undefined when there is no token. */
export function serverConnection(): ServerConnection | undefined {
  const connection = loadConnection();
  return connection.token ? { baseUrl: withTrailingSlash(connection.serverUrl), token: connection.token } : undefined;
}

const changed = new EventTarget();

/** Starts an export on the server; the History list refreshes at once. */
export async function startServerExport(request: ExportRequest): Promise<string> {
  const server = serverConnection();
  if (!server) throw new Error('Sign in first (Data screen) to use the export server.');
  const id = await createServerExport(server, request);
  changed.dispatchEvent(new Event('change'));
  return id;
}

/** Tells the list to refresh now (after a delete). */
export function refreshServerExports(): void {
  changed.dispatchEvent(new Event('change'));
}

export interface ServerExportsState {
  exports?: ServerJobView[];
  error?: string;
  isSignedIn: boolean;
}

/** The caller's server exports, polled fast while one is running and slowly otherwise. */
export function useServerExports(): ServerExportsState {
  const [state, setState] = useState<ServerExportsState>(() => ({ isSignedIn: !!serverConnection() }));
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      clearTimeout(timer);
      const server = serverConnection();
      if (!server) {
        setState({ isSignedIn: false });
        return;
      }
      let next: ServerExportsState;
      try {
        next = { isSignedIn: true, exports: await listServerExports(server) };
      } catch (error) {
        next = { isSignedIn: true, error: error instanceof Error ? error.message : String(error) };
      }
      if (!live) return;
      setState((previous) => ({ ...next, exports: next.exports ?? previous.exports }));
      const isActive = next.exports?.some((e) => e.status === 'INITIATED' || e.status === 'PROCESSING' || e.status === 'PAUSED');
      timer = setTimeout(() => void poll(), isActive ? POLL_ACTIVE_MS : POLL_IDLE_MS);
    };
    const onChange = () => void poll();
    changed.addEventListener('change', onChange);
    void poll();
    return () => { live = false; clearTimeout(timer); changed.removeEventListener('change', onChange); };
  }, []);
  return state;
}
