import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordsClient } from './client.ts';

// A web server that is not the records API, on 127.0.0.1: a bare 404, and a static host's HTML page.
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/html/')) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>Not found</title>');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('records API errors in words', () => {
  it('says a 404 means the address is wrong, without an empty ": ."', async () => {
    const client = createRecordsClient({ baseUrl, token: 't' });
    await expect(client.listRecords('activity')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'the records API has no /v1/activities (GET /v1/activities: HTTP 404); check the records API address',
    });
  });

  it('names a web page as a web page, not its markup', async () => {
    const client = createRecordsClient({ baseUrl: `${baseUrl}html/`, token: 't' });
    const error = (await client.listRecords('weight').then(() => undefined, (e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^the records API has no \/html\/v1\/\S+ \(GET \/html\/v1\/\S+: HTTP 404: a web page, not the records API\); check the records API address$/);
    expect(error.message).not.toContain('<');
  });
});
