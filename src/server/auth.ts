// Bearer-token check: an HS256 JWT verified with jose; its `sub` claim is the user every row belongs to.

import { jwtVerify } from 'jose';

/** Longest lifetime a bearer token may have, s. */
const MAX_TOKEN_AGE_S = 24 * 3600;
/** Clock skew tolerated between issuer and server, s. */
const CLOCK_TOLERANCE_S = 30;

/** Who is calling: the user id (`sub`) and the raw token (forwarded to the records API). */
export interface Caller {
  userId: string;
  token: string;
}

/**
 * The caller of an `Authorization` header, or undefined when it is missing, malformed, expired, badly signed,
 * not HS256 or has no `sub`.
 */
export async function verifyBearer(header: string | undefined, secret: Uint8Array): Promise<Caller | undefined> {
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header ?? '');
  if (!match) return undefined;
  try {
    // RFC 8725 §3.10: a token must expire, and neither live longer nor start later than we allow.
    const { payload } = await jwtVerify(match[1], secret, {
      algorithms: ['HS256'], requiredClaims: ['exp', 'iat'], maxTokenAge: MAX_TOKEN_AGE_S, clockTolerance: CLOCK_TOLERANCE_S,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    const nowS = Date.now() / 1000;
    if (payload.iat! > nowS + CLOCK_TOLERANCE_S || payload.exp! > nowS + MAX_TOKEN_AGE_S + CLOCK_TOLERANCE_S) return undefined;
    return { userId: payload.sub, token: match[1] };
  } catch {
    // Any verification failure (expiry, signature, format) means the same thing to the caller: 401.
    return undefined;
  }
}
