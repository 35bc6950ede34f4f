// Worker-thread entry: Node 20 workers do not inherit tsx's loader, so a TypeScript entry is loaded after
// registering tsx here; a compiled deployment passes a .js entry and skips it.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
