import { describe, expect, it } from 'vitest';
import { checkLink, downloadPath, signLink } from './signed-link.ts';

const KEY = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
const CLAIMS = { exportId: '6f1c2b8e-7d4a-4c1e-9a53-0c2f1e5d8b71', userId: 'alice', expiresAtMs: 1_800_000_000_000 };

describe('signed links', () => {
  it('accepts its own signature before the expiry', () => {
    expect(checkLink(KEY, CLAIMS, signLink(KEY, CLAIMS), CLAIMS.expiresAtMs - 1)).toBe('ok');
  });

  it('refuses the same link at and after the expiry', () => {
    expect(checkLink(KEY, CLAIMS, signLink(KEY, CLAIMS), CLAIMS.expiresAtMs)).toBe('expired');
  });

  it('refuses a signature with any one character changed, including the last one', () => {
    const sig = signLink(KEY, CLAIMS);
    for (let i = 0; i < sig.length; i++) {
      const changed = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
      expect(checkLink(KEY, CLAIMS, changed, 0)).toBe('bad-signature');
    }
  });

  it('binds the export, the user and the expiry', () => {
    const sig = signLink(KEY, CLAIMS);
    expect(checkLink(KEY, { ...CLAIMS, userId: 'bob' }, sig, 0)).toBe('bad-signature');
    expect(checkLink(KEY, { ...CLAIMS, exportId: CLAIMS.exportId.replace('6f', '70') }, sig, 0)).toBe('bad-signature');
    expect(checkLink(KEY, { ...CLAIMS, expiresAtMs: CLAIMS.expiresAtMs + 1 }, sig, 0)).toBe('bad-signature');
    expect(checkLink(new TextEncoder().encode('another key of 32 bytes length!!'), CLAIMS, sig, 0)).toBe('bad-signature');
  });

  it('refuses a truncated or empty signature', () => {
    const sig = signLink(KEY, CLAIMS);
    expect(checkLink(KEY, CLAIMS, sig.slice(0, -1), 0)).toBe('bad-signature');
    expect(checkLink(KEY, CLAIMS, '', 0)).toBe('bad-signature');
  });

  it('puts the expiry and the signature in the download path', () => {
    expect(downloadPath(KEY, CLAIMS)).toBe(`/api/exports/${CLAIMS.exportId}/download?exp=${CLAIMS.expiresAtMs}&sig=${signLink(KEY, CLAIMS)}`);
  });
});
