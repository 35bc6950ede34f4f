// Signed, expiring download links: HMAC-SHA-256 over the export id, its owner and the expiry time.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkClaims {
  exportId: string;
  userId: string;
  /** Expiry, epoch ms UTC. */
  expiresAtMs: number;
}

/** The signature of a link, base64url (32 bytes). */
export function signLink(secret: Uint8Array, claims: LinkClaims): string {
  // NUL separators: ids and user ids never contain them, so no two claim sets share a message.
  return createHmac('sha256', secret)
    .update(`takeaway-download\u0000${claims.exportId}\u0000${claims.userId}\u0000${claims.expiresAtMs}`)
    .digest('base64url');
}

/** The path and query of a download link: `/api/exports/<id>/download?exp=<ms>&sig=<base64url>`. */
export function downloadPath(secret: Uint8Array, claims: LinkClaims): string {
  return `/api/exports/${encodeURIComponent(claims.exportId)}/download?exp=${claims.expiresAtMs}&sig=${signLink(secret, claims)}`;
}

export type LinkCheck = 'ok' | 'bad-signature' | 'expired';

/** Checks a presented signature in constant time, then the expiry against `nowMs`. */
export function checkLink(secret: Uint8Array, claims: LinkClaims, signature: string, nowMs: number): LinkCheck {
  // Compare the text, not decoded bytes: base64url decoding ignores stray characters and the last character's
  // spare bits, so two different link texts could decode to the same bytes.
  const expected = Buffer.from(signLink(secret, claims), 'utf8');
  const presented = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is a bad signature either way.
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'bad-signature';
  return nowMs < claims.expiresAtMs ? 'ok' : 'expired';
}
