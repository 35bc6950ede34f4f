// Where the records API and the export server are, and the person's bearer token for both (docs/server.md:
// the server forwards the same token to the records API). Kept in localStorage, which "Delete everything"
// clears; an export password is never kept here or anywhere.

/** The account settings of this browser. */
export interface Connection {
  /** Records API base, ending in `/`. Same origin by default (the CSP allows no other). */
  recordsUrl: string;
  /** Export server base, ending in `/`; its API lives under `api/`. */
  serverUrl: string;
  token: string;
  /** A size limit the person sets for exports on this device, bytes; 0 for none. */
  deviceLimitBytes: number;
}

const KEY = 'takeaway.connection';

/** The settings with defaults filled in: same origin for both services, no token. */
export function loadConnection(): Connection {
  const origin = `${location.origin}/`;
  const defaults: Connection = { recordsUrl: origin, serverUrl: origin, token: import.meta.env.DEV ? 'demo-token' : '', deviceLimitBytes: 0 };
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Connection>;
    return { ...defaults, ...saved };
  } catch {
    return defaults;
  }
}

export function saveConnection(patch: Partial<Connection>): Connection {
  const next = { ...loadConnection(), ...patch };
  localStorage.setItem(KEY, JSON.stringify(next));
  return next;
}

/** A base URL with exactly one trailing slash. */
export function withTrailingSlash(url: string): string {
  return url.replace(/\/*$/, '/');
}
