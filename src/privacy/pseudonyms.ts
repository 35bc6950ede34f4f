// Stable pseudonyms for one export: HMAC-SHA-256 keyed with a random per-export salt, so the same id or name
// maps to the same pseudonym in every format of the export, and to a different one in the next export.

/** What a value is; part of the keyed input so a tag and a name with the same text get unrelated pseudonyms. */
export type PseudonymKind = 'id' | 'name' | 'title' | 'note' | 'tag' | 'category' | 'text' | 'source' | 'serial';

/** Hex digits kept per kind: 64 bits for ids (unique in practice), 40 bits for labels. */
const HEX_DIGITS: Record<PseudonymKind, number> = {
  id: 16, name: 10, title: 10, note: 10, tag: 10, category: 10, text: 10, source: 10, serial: 8,
};
const PREFIX: Record<PseudonymKind, string> = {
  id: 'anon-', name: 'activity-', title: 'record-', note: 'note-', tag: 'tag-', category: 'category-',
  text: 'text-', source: 'source-', serial: '',
};
/** Salt length, bytes: 256 bits, the HMAC-SHA-256 block-size-friendly key length. */
export const SALT_BYTES = 32;

const encoder = new TextEncoder();

export interface Pseudonymiser {
  /** The pseudonym of `value` as a `kind`; the same inputs always give the same result within this pseudonymiser. */
  pseudonym(kind: PseudonymKind, value: string): Promise<string>;
}

/**
 * A pseudonymiser keyed with `salt` (default: 32 random bytes from `crypto.getRandomValues`, never stored).
 * Serials become decimal numbers (1…4 294 967 295) so formats with numeric serials (FIT) can still carry them.
 */
export function createPseudonymiser(salt: Uint8Array = crypto.getRandomValues(new Uint8Array(SALT_BYTES))): Pseudonymiser {
  const key = crypto.subtle.importKey('raw', salt as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const cache = new Map<string, Promise<string>>();
  return {
    pseudonym(kind, value) {
      const input = `${kind}\u0000${value}`;
      let result = cache.get(input);
      if (!result) {
        result = key.then((k) => crypto.subtle.sign('HMAC', k, encoder.encode(input))).then((mac) => format(kind, new Uint8Array(mac)));
        cache.set(input, result);
      }
      return result;
    },
  };
}

function format(kind: PseudonymKind, mac: Uint8Array): string {
  if (kind === 'serial') {
    const value = new DataView(mac.buffer, mac.byteOffset, 4).getUint32(0);
    return String(value === 0 ? 1 : value);
  }
  let hex = '';
  for (let i = 0; hex.length < HEX_DIGITS[kind]; i++) hex += mac[i].toString(16).padStart(2, '0');
  return PREFIX[kind] + hex.slice(0, HEX_DIGITS[kind]);
}
