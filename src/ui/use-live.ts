// A React hook over a Dexie live query: the value follows the database (a demo load, an import, a sync, a delete).

import { useEffect, useState } from 'react';
import { liveQuery } from 'dexie';

/** The current result of `query` on the read database, `initial` until the first answer; read again on every change it depends on. */
export function useLive<T>(query: () => Promise<T>, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: () => undefined });
    return () => sub.unsubscribe();
  }, []);
  return value;
}
