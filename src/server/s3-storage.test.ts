// S3ExportStorage against AWS's published SigV4 vector and against a small S3-compatible server on 127.0.0.1
// that checks every request's signature with its own SigV4 implementation (node:crypto, per the AWS docs).

import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignGetUrl, S3_MIN_PART_BYTES, S3ExportStorage, type S3StorageOptions } from './s3-storage.ts';
import { patternBytes } from '../../tests/helpers/bytes.ts';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BUCKET = 'takeaway-test';
const REGION = 'eu-test-1';

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function sigv4Encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The signature of a canonical request, following "Create a signed AWS API request" step by step. */
function expectedSignature(method: string, rawPath: string, query: Array<[string, string]>, headers: Record<string, string>, signedHeaders: string[], payloadHash: string, amzDate: string, scope: string): string {
  const canonicalUri = rawPath.split('/').map((segment) => sigv4Encode(decodeURIComponent(segment))).join('/');
  const canonicalQuery = query.map(([k, v]) => [sigv4Encode(k), sigv4Encode(v)]).sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const [date, region, service] = scope.split('/');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((pair) => {
    const [k, v = ''] = pair.split('=');
    return [decodeURIComponent(k!.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))];
  });
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** A checked request, or the reason it was refused. */
function verifySignature(req: IncomingMessage, body: Buffer, rawPath: string, query: Array<[string, string]>): string | undefined {
  const headers = req.headers as Record<string, string>;
  const params = new Map(query);
  if (params.has('X-Amz-Signature')) {
    const [, date, region, service] = params.get('X-Amz-Credential')!.split('/');
    const amzDate = params.get('X-Amz-Date')!;
    if (amzDateToMs(amzDate) + Number(params.get('X-Amz-Expires')) * 1000 < Date.now()) return 'expired';
    const signed = expectedSignature(req.method!, rawPath, query.filter(([k]) => k !== 'X-Amz-Signature'), headers,
      params.get('X-Amz-SignedHeaders')!.split(';'), 'UNSIGNED-PAYLOAD', amzDate, `${date}/${region}/${service}/aws4_request`);
    return signed === params.get('X-Amz-Signature') ? undefined : 'signature';
  }
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
  if (!auth || auth[1] !== ACCESS_KEY_ID) return 'no authorization';
  const payloadHash = headers['x-amz-content-sha256'];
  if (!payloadHash) return 'no payload hash';
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(body).digest('hex')) return 'payload hash';
  const signedHeaders = auth[3]!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return 'unsigned host or date';
  const signed = expectedSignature(req.method!, rawPath, query, headers, signedHeaders, payloadHash, headers['x-amz-date']!, auth[2]!);
  return signed === auth[4] ? undefined : 'signature';
}

interface FakeUpload { key: string; parts: Map<number, { bytes: Buffer; etag: string }> }

/** Just enough of S3 for S3ExportStorage: objects, multipart uploads, ListObjectsV2, ListMultipartUploads. */
class FakeS3 {
  readonly objects = new Map<string, Buffer>();
  readonly modifiedAt = new Map<string, Date>();
  readonly uploads = new Map<string, FakeUpload>();
  readonly log: string[] = [];
  readonly partSizes: number[] = [];
  server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [rawPath = '', rawQuery = ''] = req.url!.split('?');
    const query = parseQuery(rawQuery);
    const q = new Map(query);
    const refusal = verifySignature(req, body, rawPath, query);
    const send = (status: number, xml = '', headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/xml', ...headers }).end(xml);
    };
    const error = (status: number, code: string): void => send(status, `<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    if (refusal) return error(403, refusal === 'expired' ? 'AccessDenied' : 'SignatureDoesNotMatch');
    const [, bucket, ...keyParts] = rawPath.split('/');
    if (bucket !== BUCKET) return error(404, 'NoSuchBucket');
    const key = keyParts.map(decodeURIComponent).join('/');
    const operation = `${req.method} ${[...q.keys()].filter((k) => !k.startsWith('X-Amz-')).join(',')}`;
    this.log.push(operation);

    if (!key && req.method === 'GET' && q.get('list-type') === '2') {
      const keys = [...this.objects.keys()].filter((k) => k.startsWith(q.get('prefix') ?? '')).sort();
      return send(200, `<ListBucketResult><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key><LastModified>${this.modifiedAt.get(k)!.toISOString()}</LastModified></Contents>`).join('')}</ListBucketResult>`);
    }
    if (!key && req.method === 'GET' && q.has('uploads')) {
      const open = [...this.uploads].filter(([, u]) => u.key.startsWith(q.get('prefix') ?? ''));
      return send(200, `<ListMultipartUploadsResult>${open.map(([id, u]) => `<Upload><Key>${u.key}</Key><UploadId>${id}</UploadId></Upload>`).join('')}</ListMultipartUploadsResult>`);
    }
    if (req.method === 'POST' && q.has('uploads')) {
      const id = randomUUID();
      this.uploads.set(id, { key, parts: new Map() });
      return send(200, `<InitiateMultipartUploadResult><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (q.has('uploadId')) {
      const upload = this.uploads.get(q.get('uploadId')!);
      if (!upload || upload.key !== key) return error(404, 'NoSuchUpload');
      if (req.method === 'PUT') {
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        upload.parts.set(Number(q.get('partNumber')), { bytes: body, etag });
        this.partSizes.push(body.byteLength);
        return send(200, '', { etag });
      }
      if (req.method === 'DELETE') {
        this.uploads.delete(q.get('uploadId')!);
        return send(204);
      }
      const listed = [...body.toString('utf8').matchAll(/<Part><PartNumber>(\d+)<\/PartNumber><ETag>(.*?)<\/ETag><\/Part>/g)];
      const assembled: Buffer[] = [];
      for (const [i, [, number, etag]] of listed.entries()) {
        const part = upload.parts.get(Number(number));
        if (!part || part.etag !== etag!.replace(/&quot;/g, '"')) return error(400, 'InvalidPart');
        if (i < listed.length - 1 && part.bytes.byteLength < S3_MIN_PART_BYTES) return error(400, 'EntityTooSmall');
        assembled.push(part.bytes);
      }
      this.objects.set(key, Buffer.concat(assembled));
      this.modifiedAt.set(key, new Date());
      this.uploads.delete(q.get('uploadId')!);
      return send(200, `<CompleteMultipartUploadResult><Key>${key}</Key></CompleteMultipartUploadResult>`);
    }
    const object = this.objects.get(key);
    if (req.method === 'PUT') {
      this.objects.set(key, body);
      this.modifiedAt.set(key, new Date());
      return send(200, '', { etag: '"x"' });
    }
    if (req.method === 'DELETE') {
      this.objects.delete(key);
      return send(204);
    }
    if (!object) return req.method === 'HEAD' ? void res.writeHead(404).end() : error(404, 'NoSuchKey');
    const headers: Record<string, string> = { 'content-type': 'application/zip', 'content-length': String(object.byteLength) };
    if (q.has('response-content-disposition')) headers['content-disposition'] = q.get('response-content-disposition')!;
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : object);
  }
}


async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('presignGetUrl', () => {
  it('produces the signature of the AWS S3 docs example for GET /test.txt', async () => {
    const url = await presignGetUrl(
      { endpoint: 'https://s3.amazonaws.com', bucket: 'examplebucket', region: 'us-east-1', accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, addressing: 'virtual' },
      'test.txt', 86_400, Date.UTC(2013, 4, 24),
    );
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe('https://examplebucket.s3.amazonaws.com/test.txt');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
      'X-Amz-Date': '20130524T000000Z',
      'X-Amz-Expires': '86400',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    });
  });

  it('refuses an expiry beyond the 7 days SigV4 allows', async () => {
    const options = { endpoint: 'https://s3.amazonaws.com', bucket: 'b', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 's' };
    await expect(presignGetUrl(options, 'k', 604_801, 0)).rejects.toThrow(RangeError);
  });
});

describe('S3ExportStorage against a signature-checking S3 server', () => {
  const s3 = new FakeS3();
  let options: S3StorageOptions;
  let storage: S3ExportStorage;

  beforeAll(async () => {
    await s3.start();
    options = { endpoint: s3.url, bucket: BUCKET, region: REGION, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, prefix: 'exports/', partSizeBytes: S3_MIN_PART_BYTES };
    storage = new S3ExportStorage(options);
  });
  afterAll(() => new Promise<void>((resolve) => s3.server.close(() => resolve())));

  it('uploads a 12 MiB stream in 5 MiB parts, then sizes, reads, lists, presigns and deletes it', async () => {
    const key = randomUUID();
    const data = patternBytes(12 * 1024 * 1024 + 123, 7);
    const writer = storage.createSink(key).getWriter();
    const chunkBytes = 256 * 1024 + 1;
    for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
      await writer.write(data.subarray(offset, offset + chunkBytes));
      // Streaming, not buffering: a part goes out as soon as 5 MiB are in, before the rest is written.
      if (offset + chunkBytes >= S3_MIN_PART_BYTES && offset < S3_MIN_PART_BYTES) expect(s3.partSizes.length).toBe(1);
    }
    expect(await storage.size(key)).toBeUndefined();
    await writer.close();

    expect(s3.partSizes).toEqual([S3_MIN_PART_BYTES, S3_MIN_PART_BYTES, data.byteLength - 2 * S3_MIN_PART_BYTES]);
    expect(s3.uploads.size).toBe(0);
    expect(await storage.size(key)).toBe(data.byteLength);
    expect(Buffer.compare(await readAll((await storage.read(key))!), Buffer.from(data))).toBe(0);
    const listed = await storage.list();
    expect(listed.map((a) => a.key)).toEqual([key]);
    expect(Math.abs(listed[0]!.modifiedAtMs - Date.now())).toBeLessThan(60_000);

    const url = await storage.presignedUrl(key, Date.now() + 3_600_000, 'Takeaway export – 2024.zip');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Takeaway export _ 2024.zip"; filename*=UTF-8''Takeaway%20export%20%E2%80%93%202024.zip`);
    expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), Buffer.from(data))).toBe(0);

    await storage.delete(key);
    expect(await storage.size(key)).toBeUndefined();
    expect(await storage.read(key)).toBeUndefined();
    expect(await storage.list()).toEqual([]);
  });

  it('stores an archive smaller than one part with a single PutObject', async () => {
    const key = randomUUID();
    const data = patternBytes(1000, 3);
    const writer = storage.createSink(key).getWriter();
    await writer.write(data);
    await writer.close();
    expect(Buffer.compare(await readAll((await storage.read(key))!), Buffer.from(data))).toBe(0);
    await storage.delete(key);
  });

  it('aborting the sink aborts the upload, leaving no object and no parts', async () => {
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(patternBytes(S3_MIN_PART_BYTES + 10, 1));
    expect(s3.uploads.size).toBe(1);
    await writer.abort(new Error('cancelled'));
    expect(s3.uploads.size).toBe(0);
    expect(await storage.size(key)).toBeUndefined();
    expect((await storage.list()).map((a) => a.key)).not.toContain(key);
  });

  it('a source that fails mid-export leaves no object', async () => {
    const key = randomUUID();
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (s3.partSizes.length >= 1 && s3.uploads.size > 0) controller.error(new Error('encoder failed'));
        else controller.enqueue(patternBytes(1024 * 1024, 2));
      },
    });
    await expect(source.pipeTo(storage.createSink(key))).rejects.toThrow('encoder failed');
    expect(s3.uploads.size).toBe(0);
    expect(await storage.size(key)).toBeUndefined();
  });

  it('delete aborts an upload left open by a worker that died mid-write', async () => {
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(patternBytes(S3_MIN_PART_BYTES, 4));
    expect([...s3.uploads.values()].map((u) => u.key)).toEqual([`exports/${key}.zip`]);
    await storage.delete(key);
    expect(s3.uploads.size).toBe(0);
  });

  it('a presigned URL with a changed byte or past its expiry is refused', async () => {
    const key = randomUUID();
    const writer = storage.createSink(key).getWriter();
    await writer.write(patternBytes(10, 5));
    await writer.close();
    const url = new URL(await storage.presignedUrl(key, Date.now() + 60_000, 'a.zip'));
    url.searchParams.set('response-content-disposition', 'attachment; filename="b.zip"');
    expect((await fetch(url)).status).toBe(403);
    const past = new S3ExportStorage(options, () => Date.now() - 120_000);
    expect((await fetch(await past.presignedUrl(key, Date.now() - 60_000, 'a.zip'))).status).toBe(403);
    await storage.delete(key);
  });

  it('requests signed with the wrong secret are refused by the server and reported as AUTH errors', async () => {
    const wrong = new S3ExportStorage({ ...options, secretAccessKey: 'not-the-secret' });
    await expect(wrong.size(randomUUID())).rejects.toMatchObject({ code: 'AUTH' });
    expect(s3.log.at(-1)).not.toBe('HEAD ');
  });
});
