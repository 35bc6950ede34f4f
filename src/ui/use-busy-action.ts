// One button action at a time per list item: while it runs the item's buttons are disabled, and what it returns
// (or the message it throws) becomes the item's note.

import { useState } from 'react';

export interface BusyAction {
  /** True while an action runs. */
  isBusy: boolean;
  /** What the last action said: its returned text, or the message of its error; undefined for nothing. */
  note: string | undefined;
  /** Runs `task`, keeping `isBusy` true until it settles; never throws. */
  run: (task: () => Promise<string | undefined>) => Promise<void>;
}

/** The busy flag and note of an item whose buttons run one async action at a time. */
export function useBusyAction(): BusyAction {
  const [isBusy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const run = async (task: () => Promise<string | undefined>): Promise<void> => {
    setBusy(true);
    try {
      setNote(await task());
    } catch (error) {
      setNote(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return { isBusy, note, run };
}
