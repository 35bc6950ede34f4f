// Test fixtures for the server tests: the real server as a child process, a records API on 127.0.0.1
// (the msw handlers of tests/mocks/records-api.ts behind a plain node:http server, one demo account per
// token), a Web Push receiver that decrypts aes128gcm (RFC 8291) with node:crypto, and JWT minting.

import { spawn, type ChildProcess } from 'node:child_process';
import { createECDH, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Uint8ArrayReader } from '@zip.js/zip.js';
import { getResponse } from 'msw';
import { runExport, verifyExport } from '../../src/engine/index.ts';
import type { Manifest } from '../../src/engine/manifest.ts';
import { FORMAT_REGISTRY } from '../../src/formats/registry.ts';
import { MemoryRecordSource } from '../../src/model/memory-source.ts';
import { RECORD_KINDS, type TakeawayRecord } from '../../src/model/records.ts';
import type { ExportRequest } from '../../src/model/request.ts';
import { signBearer } from '../../src/server/auth.ts';
import { createRecordsApi, type RecordsApi, type RecordsApiOptions } from '../mocks/records-api.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The HS256 secret the test servers are started with, so tests can mint tokens. */
/** Rate limits high enough that no test request is ever refused by them (only server-retention tests the limit). */
export const NO_RATE_LIMIT = { TAKEAWAY_RATE_BURST: '100000', TAKEAWAY_RATE_PER_S: '100000' };

export const TEST_JWT_SECRET = 'test-secret-for-takeaway-server-tests-only';

/** A bearer token for `userId`, valid for an hour, optionally with an issuer and audience. */
export async function tokenFor(userId: string, secret = TEST_JWT_SECRET, claims: { issuer?: string; audience?: string } = {}): Promise<string> {
  return signBearer(userId, { secret: new TextEncoder().encode(secret), ...claims }, 3600);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return `http://127.0.0.1:${address.port}/`;
}

/** The records API of docs/api.md on 127.0.0.1: each account answers its own bearer token only. */
export class RecordsApiHost {
  private readonly accounts = new Map<string, RecordsApi>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  baseUrl = '';

  async start(): Promise<void> {
    this.baseUrl = await listen(this.server);
  }

  /** Adds a demo account reachable with `token`. */
  addAccount(token: string, options: Omit<RecordsApiOptions, 'baseUrl' | 'token'> = {}): RecordsApi {
    const api = createRecordsApi({ ...options, baseUrl: this.baseUrl, token });
    this.accounts.set(token, api);
    return api;
  }

  /** The token stops working, as when the caller's session expires: every later request answers 401. */
  revoke(token: string): void {
    this.accounts.delete(token);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const api = this.accounts.get(auth.replace(/^Bearer /, ''));
    if (!api) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"unknown token"}}');
      return;
    }
    const request = new Request(new URL(req.url ?? '/', this.baseUrl), { method: req.method, headers: req.headers as Record<string, string> });
    const response = await getResponse(api.handlers, request);
    if (!response || response.type === 'error') {
      res.destroy();
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    try {
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      res.destroy(); // the emulated "connection cut mid-body"
    }
  }
}

/** The server under test, as a child process on 127.0.0.1. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  url = '';
  output = '';

  constructor(readonly dataDir: string, readonly env: Record<string, string>) {}

  /** Starts `node --import tsx src/server/main.ts` and waits for its "listening on" line (30 s at most). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, TAKEAWAY_DATA_DIR: this.dataDir, PORT: '0', TAKEAWAY_JWT_SECRET: TEST_JWT_SECRET, TAKEAWAY_STATIC_DIR: '', TAKEAWAY_PUSH_ALLOW_LOOPBACK_FOR_TESTS: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${this.output}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        this.output += d.toString();
        const match = /listening on (http:\/\/\S+)/.exec(this.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before listening:\n${this.output}`));
      });
    });
  }

  /** Kills the process (SIGKILL: no cleanup runs) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Sends a signal without waiting (SIGSTOP / SIGCONT: a process that stalls and wakes up again). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** fetch against the server with a bearer token. */
  fetch(pathAndQuery: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(new URL(pathAndQuery, this.url), { ...init, headers });
  }

  /** POST JSON. */
  post(pathAndQuery: string, token: string | undefined, body: unknown): Promise<Response> {
    return this.fetch(pathAndQuery, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }
}

/** A browser-side push subscription: its P-256 key pair and auth secret, as the browser keeps them. */
export class TestSubscription {
  readonly ecdh = createECDH('prime256v1');
  readonly authSecret = randomBytes(16);
  readonly publicKey: Buffer;

  constructor(readonly endpoint: string) {
    this.publicKey = this.ecdh.generateKeys();
  }

  /** The `PushSubscription.toJSON()` form. */
  toJSON(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    return { endpoint: this.endpoint, keys: { p256dh: this.publicKey.toString('base64url'), auth: this.authSecret.toString('base64url') } };
  }

  /**
   * Decrypts an aes128gcm push message body (RFC 8188 header; RFC 8291 §3.3–3.4 key derivation) with this
   * subscription's private key and auth secret; returns the plaintext without padding.
   */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const recordSize = body.readUInt32BE(16);
    const keyIdLength = body[20];
    const serverPublicKey = body.subarray(21, 21 + keyIdLength);
    const ciphertext = body.subarray(21 + keyIdLength);
    if (ciphertext.length > recordSize) throw new Error('more than one record; the server sends one');
    const sharedSecret = this.ecdh.computeSecret(serverPublicKey);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, serverPublicKey]);
    const ikm = Buffer.from(hkdfSync('sha256', sharedSecret, this.authSecret, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
    // RFC 8188 §2: the last record ends with delimiter 0x02, then zero padding.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 0x02) throw new Error(`bad padding delimiter ${padded[end]}`);
    return padded.subarray(0, end).toString('utf8');
  }
}

/** One push message as received. */
export interface ReceivedPush {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A push service on 127.0.0.1: paths under /gone/ answer 410, others 201; every message is recorded. */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private waiters: (() => void)[] = [];
  baseUrl = '';

  async start(): Promise<void> {
    this.baseUrl = await listen(this.server);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Waits until `count` messages arrived to paths starting with `prefix` (at most `timeoutMs`). */
  async waitFor(prefix: string, count: number, timeoutMs = 30_000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter((r) => r.path.startsWith(prefix));
      if (matching.length >= count) return matching;
      if (Date.now() > deadline) throw new Error(`only ${matching.length} push messages to ${prefix} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    this.received.push({ path: req.url ?? '', headers: req.headers, body });
    res.writeHead((req.url ?? '').startsWith('/gone/') ? 410 : 201).end();
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Polls an export's status until `until` holds (or `timeoutMs` passes); returns every status seen, in order. */
export async function pollExport(server: ServerProcess, token: string, id: string, until: (status: string) => boolean, timeoutMs = 60_000): Promise<{ statuses: string[]; view: Record<string, unknown> }> {
  const statuses: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await server.fetch(`/api/exports/${id}`, token);
    if (response.status !== 200) throw new Error(`GET /api/exports/${id}: ${response.status} ${await response.text()}`);
    const view = await response.json() as Record<string, unknown>;
    if (statuses.at(-1) !== view.status) statuses.push(String(view.status));
    if (until(String(view.status))) return { statuses, view };
    if (Date.now() > deadline) throw new Error(`export ${id} still ${String(view.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The manifest of a COMPLETED server export, downloaded through its signed link and checked by verifyExport. */
export async function downloadedManifest(server: ServerProcess, token: string, view: Record<string, unknown>): Promise<Manifest> {
  const bytes = new Uint8Array(await (await server.fetch(String(view.downloadUrl), token)).arrayBuffer());
  const report = await verifyExport(new Uint8ArrayReader(bytes));
  if (!report.ok) throw new Error(`the server's zip does not verify: ${report.problems.join('; ')}`);
  return report.manifest!;
}

/** The archive the engine writes for `request` over the records an account of the records API holds now, as the device and the CLI do. */
export async function deviceArchive(account: RecordsApi, request: ExportRequest): Promise<Buffer> {
  const records = RECORD_KINDS.flatMap((kind) => account.records(kind)) as unknown as TakeawayRecord[];
  const tracks = new Map(account.records('activity').map((a) => [String(a.id), account.track(String(a.id))]));
  const chunks: Uint8Array[] = [];
  await runExport(request, new MemoryRecordSource(records, tracks), new WritableStream({ write: (c) => { chunks.push(c.slice()); } }), { registry: FORMAT_REGISTRY });
  return Buffer.concat(chunks);
}

/** Polls `check` until it holds, at most `timeoutMs`; the error names `what` and, if given, `detail()` (process output). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${detail ? `:\n${detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The manifest of the device export of `request` over the records an account of the records API holds now. */
export async function deviceManifest(account: RecordsApi, request: ExportRequest): Promise<Manifest> {
  const report = await verifyExport(new Uint8ArrayReader(new Uint8Array(await deviceArchive(account, request))));
  if (!report.ok) throw new Error(`the device zip does not verify: ${report.problems.join('; ')}`);
  return report.manifest!;
}

/** A records API and the server reading it, in a fresh data directory; `stop()` ends both and removes the directory. */
export async function startServerWithRecordsApi(name: string, env: Record<string, string> = {}): Promise<{ api: RecordsApiHost; server: ServerProcess; dataDir: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `takeaway-${name}-`));
  const api = new RecordsApiHost();
  await api.start();
  const server = new ServerProcess(dataDir, { TAKEAWAY_RECORDS_API_URL: api.baseUrl, ...env });
  await server.start();
  return {
    api, server, dataDir,
    async stop() {
      await server.kill('SIGTERM');
      await api.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
