// Export archives in an S3-compatible bucket (AWS S3, MinIO, R2, …) over web-standard fetch + SigV4 (aws4fetch),
// so the same code runs in Node and on serverless platforms. Writes are multipart uploads: nothing is visible
// under a key until CompleteMultipartUpload, and an aborted sink aborts its upload.

import { AwsClient, AwsV4Signer } from 'aws4fetch';
import { ExportError } from '../model/errors.ts';
import type { ExportStorage, StoredArchive } from './storage.ts';

/** Where and how to reach the bucket. Plain data, so it can cross into a worker thread (`workerData`). */
export interface S3StorageOptions {
  /** Service origin, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`. Env TAKEAWAY_S3_ENDPOINT. */
  endpoint: string;
  /** Env TAKEAWAY_S3_BUCKET. */
  bucket: string;
  /** SigV4 region; `auto` for R2. Env TAKEAWAY_S3_REGION, default `us-east-1`. */
  region: string;
  /** Env TAKEAWAY_S3_ACCESS_KEY_ID and TAKEAWAY_S3_SECRET_ACCESS_KEY. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (STS); env TAKEAWAY_S3_SESSION_TOKEN. */
  sessionToken?: string;
  /** Prefix of every object key, e.g. `exports/`. Env TAKEAWAY_S3_PREFIX, default ''. */
  prefix?: string;
  /**
   * `path` (`<endpoint>/<bucket>/<key>`, default: MinIO, R2, local servers) or `virtual`
   * (`<bucket>.<endpoint host>/<key>`, AWS's preferred style). Env TAKEAWAY_S3_ADDRESSING.
   */
  addressing?: 'path' | 'virtual';
  /** Bytes buffered per uploaded part; the memory a sink holds. Default 8 MiB, at least 5 MiB (S3's minimum part). */
  partSizeBytes?: number;
}

/** S3's smallest part other than the last (UploadPart docs). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest part count per upload. */
const S3_MAX_PARTS = 10_000;
/** SigV4 query signing allows at most 7 days (X-Amz-Expires). */
export const S3_MAX_PRESIGN_S = 604_800;
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const KEY_PATTERN = /^[0-9a-f-]{36}$/;

/** `ExportStorage` over an S3-compatible bucket; objects are `<prefix><key>.zip`. */
export class S3ExportStorage implements ExportStorage {
  private readonly client: AwsClient;
  private readonly partSizeBytes: number;

  /** `nowMs` is the clock used for presigned URLs (tests fix it). */
  constructor(readonly options: S3StorageOptions, private readonly nowMs: () => number = Date.now) {
    this.partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_BYTES;
    if (this.partSizeBytes < S3_MIN_PART_BYTES) throw new RangeError(`partSizeBytes must be at least ${S3_MIN_PART_BYTES}, got ${this.partSizeBytes}`);
    this.client = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
      service: 's3',
      region: options.region,
      // aws4fetch retries 5xx and 429; a part body is a buffer, so a retry resends the same bytes.
      retries: 3,
    });
  }

  createSink(key: string): WritableStream<Uint8Array> {
    return this.objectSink(this.objectKey(key));
  }

  /** The configured key prefix (`''` when none): other objects of a job (its records snapshot) live under it too. */
  get keyPrefix(): string {
    return this.options.prefix ?? '';
  }

  /** An atomic sink for any object key (visible on close, nothing on abort), like `createSink`'s. */
  objectSink(objectKey: string, contentType = 'application/zip'): WritableStream<Uint8Array> {
    return multipartSink(this, objectKey, this.partSizeBytes, contentType);
  }

  /** The bytes of any object, or undefined when there is none. */
  async getObject(objectKey: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const response = await this.send('GET', objectKey);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    // Only an error's body is read here: a success's body is handed over unread.
    if (!response.ok) await expectOk(response, 'GetObject');
    return response.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  /** Deletes any object; no error when absent. */
  async deleteObject(objectKey: string): Promise<void> {
    await expectOk(await this.send('DELETE', objectKey), 'DeleteObject');
  }

  /** Keys and write times of every complete object whose key starts with `prefix` (ListObjectsV2, paged). */
  async listObjects(prefix: string): Promise<{ objectKey: string; modifiedAtMs: number }[]> {
    const objects: { objectKey: string; modifiedAtMs: number }[] = [];
    let token: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      const xml = await expectOk(await this.send('GET', '', query), 'ListObjectsV2');
      for (const [, contents = ''] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        // An unreadable LastModified gives NaN, which retention treats as too young to delete.
        objects.push({ objectKey: xmlValues(contents, 'Key')[0] ?? '', modifiedAtMs: Date.parse(xmlValues(contents, 'LastModified')[0] ?? '') });
      }
      token = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextContinuationToken')[0] : undefined;
      if (!token) break;
    }
    return objects;
  }

  async size(key: string): Promise<number | undefined> {
    const response = await this.send('HEAD', this.objectKey(key));
    if (response.status === 404) return undefined;
    await expectOk(response, 'HeadObject');
    return Number(response.headers.get('content-length'));
  }

  read(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
    return this.getObject(this.objectKey(key));
  }

  /** Deletes the archive, every other object of the job (`<key>.…`, its records snapshot) and open uploads. */
  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.deleteObject(objectKey);
    for (const other of await this.listObjects(`${this.keyPrefix}${key}.`)) await this.deleteObject(other.objectKey);
    // A worker killed mid-export leaves its multipart upload open; its parts cost storage until aborted.
    for (const uploadId of await this.openUploads(objectKey)) {
      await this.abortUpload(objectKey, uploadId);
    }
  }

  async list(): Promise<StoredArchive[]> {
    const prefix = this.keyPrefix;
    return (await this.listObjects(prefix))
      .map(({ objectKey, modifiedAtMs }) => ({ name: objectKey.slice(prefix.length), modifiedAtMs }))
      .filter(({ name }) => KEY_PATTERN.test(name.slice(0, -4)) && name.endsWith('.zip'))
      .map(({ name, modifiedAtMs }) => ({ key: name.slice(0, -4), modifiedAtMs }));
  }

  async presignedUrl(key: string, expiresAtMs: number, fileName: string): Promise<string> {
    const nowMs = this.nowMs();
    const expiresS = Math.min(S3_MAX_PRESIGN_S, Math.max(1, Math.ceil((expiresAtMs - nowMs) / 1000)));
    return presignGetUrl(this.options, this.objectKey(key), expiresS, nowMs, {
      'response-content-disposition': contentDisposition(fileName),
    });
  }

  /** Starts a multipart upload and returns its id. */
  async createUpload(objectKey: string, contentType = 'application/zip'): Promise<string> {
    const response = await this.send('POST', objectKey, { uploads: '' }, { 'content-type': contentType });
    const uploadId = xmlValues(await expectOk(response, 'CreateMultipartUpload'), 'UploadId')[0];
    if (!uploadId) throw new ExportError('SINK_FAILED', `CreateMultipartUpload for ${objectKey} answered without an UploadId`);
    return uploadId;
  }

  /** Uploads one part and returns its ETag. */
  async uploadPart(objectKey: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
    if (partNumber > S3_MAX_PARTS) throw new ExportError('QUOTA_EXCEEDED', `${objectKey} needs more than ${S3_MAX_PARTS} parts of ${this.partSizeBytes} bytes`);
    const response = await this.send('PUT', objectKey, { partNumber: String(partNumber), uploadId }, {}, body);
    await expectOk(response, `UploadPart ${partNumber}`);
    const etag = response.headers.get('etag');
    if (!etag) throw new ExportError('SINK_FAILED', `UploadPart ${partNumber} of ${objectKey} answered without an ETag`);
    return etag;
  }

  /** Makes the object visible from its parts, in order. */
  async completeUpload(objectKey: string, uploadId: string, etags: string[]): Promise<void> {
    const parts = etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`).join('');
    const body = new TextEncoder().encode(`<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`);
    const response = await this.send('POST', objectKey, { uploadId }, { 'content-type': 'application/xml' }, body);
    const xml = await expectOk(response, 'CompleteMultipartUpload');
    // S3 may answer 200 and still report a failure in the body (CompleteMultipartUpload docs, "Special errors").
    if (/<Error>/.test(xml)) throw new ExportError('SINK_FAILED', `CompleteMultipartUpload of ${objectKey} failed: ${xml.slice(0, 300)}`, { retryable: true });
  }

  /** Discards an upload's parts; no error when it is already gone. */
  async abortUpload(objectKey: string, uploadId: string): Promise<void> {
    const response = await this.send('DELETE', objectKey, { uploadId });
    if (response.status === 404) return void (await response.body?.cancel());
    await expectOk(response, 'AbortMultipartUpload');
  }

  /** Stores a small object in one request (atomic, like every PutObject). */
  async putObject(objectKey: string, body: Uint8Array, contentType = 'application/zip'): Promise<void> {
    await expectOk(await this.send('PUT', objectKey, {}, { 'content-type': contentType }, body), 'PutObject');
  }

  /** Ids of the uploads open on exactly `objectKey`, oldest first (ListMultipartUploads). */
  async openUploads(objectKey: string): Promise<string[]> {
    const xml = await expectOk(await this.send('GET', '', { uploads: '', prefix: objectKey }), 'ListMultipartUploads');
    return [...xml.matchAll(/<Upload>([\s\S]*?)<\/Upload>/g)]
      .filter((m) => xmlValues(m[1]!, 'Key')[0] === objectKey)
      .map((m) => ({ id: xmlValues(m[1]!, 'UploadId')[0]!, initiatedMs: Date.parse(xmlValues(m[1]!, 'Initiated')[0] ?? '') }))
      .filter((u) => Boolean(u.id))
      .sort((a, b) => (a.initiatedMs || 0) - (b.initiatedMs || 0))
      .map((u) => u.id);
  }

  /** The parts an open upload holds, by part number (ListParts, paged); undefined when the upload is gone. */
  async listParts(objectKey: string, uploadId: string): Promise<{ partNumber: number; etag: string; sizeBytes: number }[] | undefined> {
    const parts: { partNumber: number; etag: string; sizeBytes: number }[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const query: Record<string, string> = { uploadId };
      if (marker) query['part-number-marker'] = marker;
      const response = await this.send('GET', objectKey, query);
      if (response.status === 404) return void (await response.body?.cancel());
      const xml = await expectOk(response, 'ListParts');
      for (const [, part = ''] of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
        parts.push({ partNumber: Number(xmlValues(part, 'PartNumber')[0]), etag: xmlValues(part, 'ETag')[0] ?? '', sizeBytes: Number(xmlValues(part, 'Size')[0]) });
      }
      marker = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextPartNumberMarker')[0] : undefined;
      if (!marker) break;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  /** The object key of an archive key (`<prefix><key>.zip`). */
  archiveObjectKey(key: string): string {
    return this.objectKey(key);
  }

  /** Bytes per uploaded part (the last one may be smaller). */
  get partBytes(): number {
    return this.partSizeBytes;
  }

  private objectKey(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`not a storage key: ${JSON.stringify(key)}`);
    return `${this.options.prefix ?? ''}${key}.zip`;
  }

  private async send(method: string, objectKey: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, body?: Uint8Array): Promise<Response> {
    const url = objectUrl(this.options, objectKey, query);
    const allHeaders: Record<string, string> = { ...headers };
    // Sign the payload hash instead of UNSIGNED-PAYLOAD, so the service checks the bytes it received.
    if (body) allHeaders['x-amz-content-sha256'] = await sha256Hex(body);
    try {
      return await this.client.fetch(url, { method, headers: allHeaders, body: body as BodyInit | undefined });
    } catch (error) {
      throw new ExportError('NETWORK', `${method} ${url.origin}${url.pathname} failed: ${(error as Error).message}`, { cause: error, retryable: true });
    }
  }
}

/** One part's bytes gathered from chunks of any size, in one buffer of the part size (both multipart sinks). */
export class PartBuffer {
  private readonly bytes: Uint8Array;
  private filled = 0;

  constructor(partBytes: number) {
    this.bytes = new Uint8Array(partBytes);
  }

  /** The bytes buffered so far, as a view valid until the next `add` or `clear`. */
  get pending(): Uint8Array {
    return this.bytes.subarray(0, this.filled);
  }

  clear(): void {
    this.filled = 0;
  }

  /** Appends `chunk`; each time the buffer is full, awaits `onFull`, which uploads `pending` and clears. */
  async add(chunk: Uint8Array, onFull: () => Promise<void>): Promise<void> {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const n = Math.min(chunk.byteLength - offset, this.bytes.length - this.filled);
      this.bytes.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.bytes.length) await onFull();
    }
  }
}

/** A sink that buffers one part at a time: memory stays at `partSizeBytes` whatever the archive's size. */
function multipartSink(storage: S3ExportStorage, objectKey: string, partSizeBytes: number, contentType: string): WritableStream<Uint8Array> {
  const part = new PartBuffer(partSizeBytes);
  let uploadId: string | undefined;
  const etags: string[] = [];

  const flushPart = async (): Promise<void> => {
    uploadId ??= await storage.createUpload(objectKey, contentType);
    etags.push(await storage.uploadPart(objectKey, uploadId, etags.length + 1, part.pending));
    part.clear();
  };
  const discard = async (): Promise<void> => {
    if (uploadId) await storage.abortUpload(objectKey, uploadId);
    uploadId = undefined;
  };
  // A failed write or close errors the stream without calling abort(), so abort the upload here too.
  const orDiscard = async (step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      await discard().catch((abortError: unknown) => console.error(`could not abort the upload of ${objectKey}:`, abortError));
      throw error;
    }
  };

  return new WritableStream<Uint8Array>({
    write: (chunk) => orDiscard(() => part.add(chunk, flushPart)),
    close: () => orDiscard(async () => {
      if (!uploadId) return storage.putObject(objectKey, part.pending.slice(), contentType);
      // The last part may be smaller than the minimum; an empty one is only sent when there were no bytes at all.
      if (part.pending.byteLength > 0) await flushPart();
      await storage.completeUpload(objectKey, uploadId, etags);
    }),
    abort: () => discard(),
  });
}

/**
 * A SigV4 query-signed GET URL for `objectKey` (S3 docs: "Authenticating Requests: Using Query Parameters"),
 * valid `expiresS` seconds (1 to 604800) from `dateMs`. `query` adds signed parameters such as
 * `response-content-disposition`.
 */
export async function presignGetUrl(options: S3StorageOptions, objectKey: string, expiresS: number, dateMs: number, query: Record<string, string> = {}): Promise<string> {
  if (!(expiresS >= 1 && expiresS <= S3_MAX_PRESIGN_S)) throw new RangeError(`expiresS must be 1 to ${S3_MAX_PRESIGN_S}, got ${expiresS}`);
  const url = objectUrl(options, objectKey, { ...query, 'X-Amz-Expires': String(Math.floor(expiresS)) });
  const signer = new AwsV4Signer({
    method: 'GET',
    url: url.toString(),
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    sessionToken: options.sessionToken,
    service: 's3',
    region: options.region,
    signQuery: true,
    datetime: new Date(dateMs).toISOString().replace(/[:-]|\.\d{3}/g, ''),
  });
  return (await signer.sign()).url.toString();
}

/** The URL of an object (or of the bucket, when `objectKey` is empty) in the configured addressing style. */
export function objectUrl(options: S3StorageOptions, objectKey: string, query: Record<string, string> = {}): URL {
  const endpoint = new URL(options.endpoint);
  const encodedKey = objectKey.split('/').map(encodeURIComponent).join('/');
  const url = options.addressing === 'virtual'
    ? new URL(`${endpoint.protocol}//${options.bucket}.${endpoint.host}/${encodedKey}`)
    : new URL(`${endpoint.origin}/${encodeURIComponent(options.bucket)}/${encodedKey}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 6266 / RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Reads an S3 answer's text, throwing an `ExportError` with S3's error code when it is not 2xx. */
async function expectOk(response: Response, operation: string): Promise<string> {
  const text = await response.text();
  if (response.ok) return text;
  const code = xmlValues(text, 'Code')[0] ?? `HTTP ${response.status}`;
  const message = xmlValues(text, 'Message')[0] ?? '';
  const isAuth = response.status === 403 || response.status === 401;
  throw new ExportError(isAuth ? 'AUTH' : 'SINK_FAILED', `S3 ${operation} failed: ${response.status} ${code} ${message}`.trim(), {
    retryable: response.status >= 500 || response.status === 429,
  });
}

/** The text of every `<tag>…</tag>` in a small S3 XML answer, entities decoded. */
function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1]!));
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (e[0] !== '#') return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
