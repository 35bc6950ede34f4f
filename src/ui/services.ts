// The page's singletons: the worker bridge, a read-only view of the database, and the platform answers.

import { TakeawayDb } from '../store/db.ts';
import { WorkerBridge } from '../workers/bridge.ts';
import { detectSupport } from '../platform/support.ts';
import { availableSaveMethods, chooseSaveMethod } from '../platform/save.ts';

/** Talks to the export worker; the only way the page starts or changes an export. */
export const bridge = new WorkerBridge();
/** For reads only (counts, history); every write goes through the worker. */
export const readDb = new TakeawayDb();
export const support = detectSupport();
export const defaultSaveMethod = chooseSaveMethod(support);
export const saveMethods = availableSaveMethods(support);
