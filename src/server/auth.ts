// Bearer-token check: an HS256 JWT verified with jose; its `sub` claim is the user every row belongs to.

import { jwtVerify } from 'jose';

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
    const { payload } = await jwtVerify(match[1], secret, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    return { userId: payload.sub, token: match[1] };
  } catch {
    // Any verification failure (expiry, signature, format) means the same thing to the caller: 401.
    return undefined;
  }
}
