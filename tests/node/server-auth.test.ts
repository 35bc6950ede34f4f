// Bearer tokens without exp, with a far-future exp, an iat in the future, or for another issuer or audience
// are refused (issue 19 item 3, RFC 8725 §3.8–3.10).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signBearer, verifyBearer } from '../../src/server/auth.ts';
import { loadServerConfig } from '../../src/server/config.ts';

const secret = new TextEncoder().encode('s'.repeat(32));
const nowS = Math.floor(Date.now() / 1000);
const mint = (claims: Record<string, number | string>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(secret);

describe('verifyBearer', () => {
  it('accepts an hour-long token', async () => {
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS, exp: nowS + 3600 })}`, { secret })).toBeDefined();
  });
  it('refuses no exp, far-future exp and future iat', async () => {
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS })}`, { secret })).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS, exp: nowS + 10 * 365 * 86400 })}`, { secret })).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS + 365 * 86400, exp: nowS + 365 * 86400 + 3600 })}`, { secret })).toBeUndefined();
  });
  it('with an issuer and audience configured, refuses a token for another one or without them', async () => {
    const check = { secret, issuer: 'https://id.example', audience: 'takeaway-server' };
    const claims = { iat: nowS, exp: nowS + 3600 };
    expect(await verifyBearer(`Bearer ${await mint({ ...claims, iss: check.issuer, aud: check.audience })}`, check)).toEqual(expect.objectContaining({ userId: 'u1' }));
    expect(await verifyBearer(`Bearer ${await mint({ ...claims, iss: 'https://evil.example', aud: check.audience })}`, check)).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint({ ...claims, iss: check.issuer, aud: 'records-api' })}`, check)).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint(claims)}`, check)).toBeUndefined();
  });
  it('accepts what signBearer issues under the same check', async () => {
    const check = { secret, issuer: 'https://id.example', audience: 'takeaway-server' };
    expect((await verifyBearer(`Bearer ${await signBearer('alice', check, 600)}`, check))?.userId).toBe('alice');
    expect(await verifyBearer(`Bearer ${await signBearer('alice', { secret }, 600)}`, check)).toBeUndefined();
  });
});

describe('loadServerConfig', () => {
  it('reads the issuer, audience and the push loopback switch from the environment, off by default', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-config-'));
    try {
      const plain = await loadServerConfig({ TAKEAWAY_DATA_DIR: dataDir });
      expect([plain.jwt.issuer, plain.jwt.audience, plain.pushAllowLoopbackForTests]).toEqual([undefined, undefined, false]);
      const set = await loadServerConfig({
        TAKEAWAY_DATA_DIR: dataDir, TAKEAWAY_JWT_ISSUER: 'https://id.example', TAKEAWAY_JWT_AUDIENCE: 'takeaway-server', TAKEAWAY_PUSH_ALLOW_LOOPBACK_FOR_TESTS: '1',
      });
      expect([set.jwt.issuer, set.jwt.audience, set.pushAllowLoopbackForTests]).toEqual(['https://id.example', 'takeaway-server', true]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
