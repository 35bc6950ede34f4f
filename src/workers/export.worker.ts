// The export worker: a Comlink shell over the engine, the store and the save targets. No logic lives here.

import './comlink-setup.ts';
import { expose } from 'comlink';
import { planExport } from '../engine/index.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { TakeawayDb } from '../store/db.ts';
import { DexieRecordSource } from '../store/dexie-record-source.ts';
import { clearAll, storeCounts } from '../store/queries.ts';
import { deleteOpfsExport } from '../platform/worker-sinks.ts';
import type { FormatId } from '../model/request.ts';
import type { ExportWorkerApi } from './api.ts';
import { loadDemoData } from './demo-loader.ts';
import { importDroppedFiles } from './file-import.ts';
import { markInterruptedJobs, runExportJob } from './export-jobs.ts';
import { JobQueue } from './job-queue.ts';
import { installWorkerRuntime } from './runtime.ts';
import { clearWorkspace, deleteKept, extractShareable, keptZip, verifyKept } from './kept-exports.ts';

installWorkerRuntime();

const db = new TakeawayDb();
const source = new DexieRecordSource(db);
const queue = new JobQueue();
let zipWorkers = false;

const api: ExportWorkerApi = {
  plan: (request, previewRows) => planExport(request, source, FORMAT_REGISTRY, { previewRows }),
  runExport: (job, onProgress) => runExportJob(db, source, queue, job, onProgress, { useWebWorkers: zipWorkers }),
  cancel: async (jobId) => queue.cancel(jobId),
  verify: (id, password) => verifyKept(db, id, password),
  savedZip: (id) => keptZip(db, id),
  shareCandidates: async (id) => ({ files: await extractShareable(db, id) }),
  deleteExport: (id) => deleteKept(db, id),
  async recoverInterrupted() {
    const state = queue.state;
    const dead = await markInterruptedJobs(db, [...state.running, ...state.waiting]);
    for (const job of dead) if (job.target === 'opfs') await deleteOpfsExport(`exports/${job.id}.zip`);
    return dead.map((job) => job.id);
  },
  async loadDemo(options, onProgress) {
    await loadDemoData(db, options, onProgress);
    return storeCounts(db);
  },
  importFiles: (files, onResult, onProgress) => importDroppedFiles(db, files, onResult, onProgress),
  async clearAll() {
    await clearAll(db);
    await clearWorkspace();
  },
  summary: () => storeCounts(db),
  formats: async () => Object.keys(FORMAT_REGISTRY) as FormatId[],
  setZipWorkers: async (useWebWorkers) => { zipWorkers = useWebWorkers; },
};

expose(api);
