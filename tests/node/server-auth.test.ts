// Bearer tokens without exp, with a far-future exp or an iat in the future are refused (issue 19 item 3).
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyBearer } from '../../src/server/auth.ts';

const secret = new TextEncoder().encode('s'.repeat(32));
const nowS = Math.floor(Date.now() / 1000);
const mint = (claims: Record<string, number>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(secret);

describe('verifyBearer', () => {
  it('accepts an hour-long token', async () => {
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS, exp: nowS + 3600 })}`, secret)).toBeDefined();
  });
  it('refuses no exp, far-future exp and future iat', async () => {
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS })}`, secret)).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS, exp: nowS + 10 * 365 * 86400 })}`, secret)).toBeUndefined();
    expect(await verifyBearer(`Bearer ${await mint({ iat: nowS + 365 * 86400, exp: nowS + 365 * 86400 + 3600 })}`, secret)).toBeUndefined();
  });
});
