// An emulated records API (docs/api.md) as msw handlers, serving a seeded demo account. The same handler array
// works with `setupServer` (msw/node, Vitest: see ./node.ts) and `setupWorker` (msw/browser, the dev build).
// Switches and fault queues let tests cut connections, rate-limit, fail, delete and update on the server side.

import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { createDemoDataset, type DemoOptions } from '../../src/demo/index.ts';
import { serializeTrackLine } from '../../src/model/jsonl.ts';
import { RECORD_KINDS, type RecordKind, type TakeawayRecord, type TrackChunk } from '../../src/model/records.ts';

/** A demo account small enough for unit tests: 4 activities of 2500 samples (2 chunks each), 10 days of health. */
export const SMALL_ACCOUNT: Partial<DemoOptions> = {
  seed: 11, days: 10, activityCount: 4, samplesPerActivity: 2500, includeHealth: true, genericCount: 8,
};

/** What the server does to one request instead of answering it normally. */
export type Fault =
  | { type: 'status'; status: 429 | 500 | 502 | 503; retryAfterS?: number }
  /** No response at all (fetch rejects), as when the network drops. */
  | { type: 'network-error' }
  /** A 200 whose body stops half-way (the stream errors), as when a connection is cut mid-page. */
  | { type: 'cut-mid-body' }
  /** No answer ever: the response never comes (nothing is sent until the connection is closed). */
  | { type: 'hang' };

export interface RecordsApiOptions {
  /** Origin (and prefix) the handlers answer; default `https://records.test/`. */
  baseUrl?: string;
  /** The only bearer token accepted; default `demo-token`. */
  token?: string;
  /** Demo account; default `SMALL_ACCOUNT`. */
  demo?: Partial<DemoOptions>;
  /** Page size when a request gives no `limit`; default 5. */
  pageSize?: number;
  /** Track chunks per samples page; default 1. */
  chunksPerPage?: number;
  /** Delay before each response, ms (real time, for the dev build); default 0. */
  latencyMs?: number;
  /** Add a few malformed records to the account (see `MALFORMED_IDS`). Default false. */
  hasMalformedRecords?: boolean;
}

/** Ids of the malformed records `hasMalformedRecords` adds, with what is wrong with each. */
export const MALFORMED_IDS = {
  weight: 'bad-weight-text',
  steps: 'bad-steps-negative',
  activity: 'bad-activity-sport',
} as const;

/** One request as the server saw it. */
export interface LoggedRequest {
  path: string;
  query: Record<string, string>;
  status: number | 'network-error' | 'cut' | 'hang';
}

interface Entry {
  kind: RecordKind;
  id: string;
  /** Epoch ms of the last change: `updatedAtMs` of a live record, `deletedAtMs` of a deleted one. */
  changedAtMs: number;
  /** The record as served (not validated: may be malformed on purpose); undefined once deleted. */
  record?: Record<string, unknown>;
}

/** The emulated server: its handlers, its data, and the switches a test flips. */
export interface RecordsApi {
  handlers: HttpHandler[];
  baseUrl: string;
  token: string;
  /** Mutable at any time: the next request sees the new value. */
  switches: { pageSize: number; chunksPerPage: number; latencyMs: number };
  /** Every request received, in order. */
  requests: LoggedRequest[];
  /** The live records of a kind the server holds, valid or not, in change order. */
  records(kind: RecordKind): Record<string, unknown>[];
  /** The track the server holds for an activity. */
  track(activityId: string): readonly TrackChunk[];
  /** Faults for the next requests, in order, after letting `afterRequests` requests through. */
  queueFaults(faults: Fault[], options?: { afterRequests?: number }): void;
  /** Deletes a record on the server: it becomes a tombstone at `atMs`. */
  deleteRecord(kind: RecordKind, id: string, atMs: number): void;
  /** Changes fields of a record on the server, with `updatedAtMs` = `atMs`. */
  updateRecord(kind: RecordKind, id: string, patch: Record<string, unknown>, atMs: number): void;
  /** Adds any item (valid or not) to a kind's stream, changed at `atMs`. */
  addRaw(kind: RecordKind, item: Record<string, unknown>, atMs: number): void;
}

const KIND_BY_PATH: Record<string, RecordKind> = {
  activities: 'activity', steps: 'steps', weight: 'weight', sleep: 'sleep', records: 'record',
};

/** Builds the emulated API over a freshly generated demo account. */
export function createRecordsApi(options: RecordsApiOptions = {}): RecordsApi {
  const baseUrl = options.baseUrl ?? 'https://records.test/';
  const token = options.token ?? 'demo-token';
  const dataset = createDemoDataset(options.demo ?? SMALL_ACCOUNT);
  const entries = new Map<RecordKind, Map<string, Entry>>(RECORD_KINDS.map((kind) => [kind, new Map()]));
  const tracks = new Map<string, TrackChunk[]>();
  const switches = { pageSize: options.pageSize ?? 5, chunksPerPage: options.chunksPerPage ?? 1, latencyMs: options.latencyMs ?? 0 };
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  let passesLeft = 0;

  const put = (kind: RecordKind, record: Record<string, unknown>, changedAtMs: number) => {
    entries.get(kind)!.set(String(record.id), { kind, id: String(record.id), changedAtMs, record });
  };
  for (const kind of RECORD_KINDS) {
    for (const record of dataset.records(kind)) put(kind, structuredClone(record) as unknown as Record<string, unknown>, record.updatedAtMs);
  }
  for (const activity of dataset.activities()) tracks.set(activity.id, [...dataset.trackSync(activity)]);
  if (options.hasMalformedRecords) addMalformed(put, dataset.activities()[0] as TakeawayRecord);

  const ordered = (kind: RecordKind, sinceMs: number | undefined): Entry[] =>
    [...entries.get(kind)!.values()]
      .filter((entry) => sinceMs === undefined || entry.changedAtMs >= sinceMs)
      .sort((a, b) => a.changedAtMs - b.changedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  /** Runs the next queued fault, if any; returns the response to send instead, or undefined. */
  const takeFault = (log: LoggedRequest, body: () => string): Response | undefined => {
    if (passesLeft > 0) {
      passesLeft -= 1;
      return undefined;
    }
    const fault = faults.shift();
    if (!fault) return undefined;
    if (fault.type === 'network-error') {
      log.status = 'network-error';
      return HttpResponse.error();
    }
    if (fault.type === 'hang') {
      log.status = 'hang';
      return new HttpResponse(new ReadableStream<Uint8Array>(), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (fault.type === 'cut-mid-body') {
      log.status = 'cut';
      const bytes = new TextEncoder().encode(body());
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)));
          controller.error(new TypeError('connection reset by peer'));
        },
      });
      return new HttpResponse(stream, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    log.status = fault.status;
    const headers: Record<string, string> = fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) };
    const code = fault.status === 429 ? 'rate_limited' : 'unavailable';
    return HttpResponse.json({ error: { code, message: `emulated ${fault.status}` } }, { status: fault.status, headers });
  };

  const guard = async (request: Request, path: string): Promise<{ log: LoggedRequest; url: URL } | Response> => {
    const url = new URL(request.url);
    const log: LoggedRequest = { path, query: Object.fromEntries(url.searchParams), status: 200 };
    requests.push(log);
    if (switches.latencyMs > 0) await delay(switches.latencyMs);
    if (request.headers.get('authorization') !== `Bearer ${token}`) {
      log.status = 401;
      return errorResponse(401, 'unauthorized', 'missing or invalid bearer token');
    }
    return { log, url };
  };

  const listHandler = http.get(`${baseUrl}v1/:kind`, async ({ request, params }) => {
    const kindPath = String(params.kind);
    const guarded = await guard(request, `v1/${kindPath}`);
    if (guarded instanceof Response) return guarded;
    const { log, url } = guarded;
    const kind = KIND_BY_PATH[kindPath];
    if (!kind) return fail(log, 404, 'not_found', `no such kind ${kindPath}`);
    const sinceText = url.searchParams.get('updated_since');
    const sinceMs = sinceText === null ? undefined : Number(sinceText);
    if (sinceMs !== undefined && !Number.isFinite(sinceMs)) return fail(log, 400, 'bad_request', `updated_since ${sinceText} is not a number`);
    const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : switches.pageSize;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(log, 400, 'bad_request', `limit ${limit} is not 1–1000`);
    const cursorText = url.searchParams.get('cursor');
    let after: { t: number; id: string } | undefined;
    if (cursorText !== null) {
      try {
        after = JSON.parse(atob(cursorText)) as { t: number; id: string };
      } catch {
        return fail(log, 400, 'bad_request', 'unreadable cursor');
      }
    }
    const stream = ordered(kind, sinceMs).filter((e) => !after || e.changedAtMs > after.t || (e.changedAtMs === after.t && e.id > after.id));
    const page = stream.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = stream.length > limit ? btoa(JSON.stringify({ t: last.changedAtMs, id: last.id })) : null;
    const body = () => JSON.stringify({
      items: page.filter((e) => e.record).map((e) => e.record),
      tombstones: page.filter((e) => !e.record).map((e) => ({ id: e.id, deletedAtMs: e.changedAtMs })),
      next_cursor: nextCursor,
    });
    return takeFault(log, body) ?? new HttpResponse(body(), { headers: { 'content-type': 'application/json' } });
  });

  const samplesHandler = http.get(`${baseUrl}v1/activities/:id/samples`, async ({ request, params }) => {
    const id = String(params.id);
    const guarded = await guard(request, `v1/activities/${id}/samples`);
    if (guarded instanceof Response) return guarded;
    const { log, url } = guarded;
    const entry = entries.get('activity')!.get(id);
    if (!entry?.record) return fail(log, 404, 'not_found', `no activity ${id}`);
    const chunks = tracks.get(id) ?? [];
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const to = from + switches.chunksPerPage;
    const body = () => `{"chunks":[${chunks.slice(from, to).map(serializeTrackLine).join(',')}],"next_cursor":${to < chunks.length ? JSON.stringify(String(to)) : 'null'}}`;
    return takeFault(log, body) ?? new HttpResponse(body(), { headers: { 'content-type': 'application/json' } });
  });

  return {
    handlers: [samplesHandler, listHandler],
    baseUrl,
    token,
    switches,
    requests,
    records: (kind) => ordered(kind, undefined).flatMap((e) => (e.record ? [e.record] : [])),
    track: (activityId) => tracks.get(activityId) ?? [],
    queueFaults(list, { afterRequests = 0 } = {}) {
      faults.push(...list);
      passesLeft = afterRequests;
    },
    deleteRecord(kind, id, atMs) {
      const entry = entries.get(kind)!.get(id);
      if (!entry) throw new RangeError(`the server has no ${kind} ${id}`);
      entries.get(kind)!.set(id, { kind, id, changedAtMs: atMs });
      tracks.delete(id);
    },
    updateRecord(kind, id, patch, atMs) {
      const entry = entries.get(kind)!.get(id);
      if (!entry?.record) throw new RangeError(`the server has no live ${kind} ${id}`);
      put(kind, { ...entry.record, ...patch, updatedAtMs: atMs }, atMs);
    },
    addRaw(kind, item, atMs) {
      put(kind, item, atMs);
    },
  };
}

function errorResponse(status: number, code: string, message: string): Response {
  return HttpResponse.json({ error: { code, message } }, { status });
}

function fail(log: LoggedRequest, status: number, code: string, message: string): Response {
  log.status = status;
  return errorResponse(status, code, message);
}

/** Three records that fail validation, each for a different reason, changed at the first activity's time. */
function addMalformed(put: (kind: RecordKind, record: Record<string, unknown>, atMs: number) => void, template: TakeawayRecord): void {
  const atMs = template.updatedAtMs;
  put('weight', { kind: 'weight', id: MALFORMED_IDS.weight, updatedAtMs: atMs, timestampMs: atMs, utcOffsetMin: 0, weightKg: 'heavy' }, atMs);
  put('steps', { kind: 'steps', id: MALFORMED_IDS.steps, updatedAtMs: atMs, date: '2026-10-25', stepCount: -40 }, atMs);
  put('activity', { ...(structuredClone(template) as unknown as Record<string, unknown>), id: MALFORMED_IDS.activity, sport: 'quidditch' }, atMs);
}
