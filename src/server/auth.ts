// Bearer tokens: HS256 JWTs verified with jose; the `sub` claim is the user every row belongs to.

import { jwtVerify, SignJWT } from 'jose';

/** Longest lifetime a bearer token may have, s. */
export const MAX_TOKEN_AGE_S = 24 * 3600;
/** Clock skew tolerated between issuer and server, s. */
const CLOCK_TOLERANCE_S = 30;

/** What a token is checked against: the HS256 key, and the `iss`/`aud` it must carry when configured. */
export interface TokenCheck {
  secret: Uint8Array;
  issuer?: string;
  audience?: string;
}

/** Who is calling: the user id (`sub`) and the raw token (forwarded to the records API). */
export interface Caller {
  userId: string;
  token: string;
}

/**
 * The caller of an `Authorization` header, or undefined when it is missing, malformed, expired, badly signed,
 * not HS256, for another issuer or audience, or has no `sub`.
 */
export async function verifyBearer(header: string | undefined, check: TokenCheck): Promise<Caller | undefined> {
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header ?? '');
  if (!match) return undefined;
  try {
    // RFC 8725 §3.8–3.10: a token must expire, neither live longer nor start later than we allow, and be meant for us.
    const { payload } = await jwtVerify(match[1], check.secret, {
      algorithms: ['HS256'], requiredClaims: ['exp', 'iat'], maxTokenAge: MAX_TOKEN_AGE_S, clockTolerance: CLOCK_TOLERANCE_S,
      issuer: check.issuer, audience: check.audience,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    const nowS = Date.now() / 1000;
    if (payload.iat! > nowS + CLOCK_TOLERANCE_S || payload.exp! > nowS + MAX_TOKEN_AGE_S + CLOCK_TOLERANCE_S) return undefined;
    return { userId: payload.sub, token: match[1] };
  } catch {
    // Any verification failure (expiry, signature, format, issuer, audience) means the same thing to the caller: 401.
    return undefined;
  }
}

/** A token `verifyBearer` accepts for `userId`, valid `lifetimeS` (local use and tests; production tokens come from the identity provider). */
export function signBearer(userId: string, check: TokenCheck, lifetimeS: number): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeS);
  if (check.issuer !== undefined) jwt.setIssuer(check.issuer);
  if (check.audience !== undefined) jwt.setAudience(check.audience);
  return jwt.sign(check.secret);
}
