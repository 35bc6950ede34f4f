// Seeded mutations of real files for the hostile-input fuzz suite: the same seed gives the same bytes, so a
// failing case is reproduced from the seed and the label the test prints.

import { updateFitCrc } from '../../src/formats/fit/parts.ts';
import { concatBytes } from '../../src/model/streams.ts';

/** mulberry32: a small, well-mixed 32-bit generator; enough for choosing mutations, not for cryptography. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutation {
  label: string;
  bytes: Uint8Array;
}

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x3c, 0x3e, 0x22, 0x26];
const HOSTILE_NUMBERS = ['1e308', '-1e308', 'NaN', 'Infinity', '-0', '0x10', '99999999999999999999', '', '1.2.3', '1e-400'];
const HOSTILE_MARKUP = ['<', '&', '&#0;', '&#xFFFFFFFF;', ']]>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '<a>'.repeat(300), `x="${'9'.repeat(5000)}"`, '\u0000', '\uFFFE'];

/** Bytes mutated one way chosen by `random`; text files (`isText`) also get markup- and number-aware edits. */
export function mutate(original: Uint8Array, random: () => number, isText: boolean): Mutation {
  const pick = (n: number): number => Math.floor(random() * n);
  const at = (): number => pick(original.length);
  const kinds = isText ? 9 : 6;
  const bytes = original.slice();
  switch (pick(kinds)) {
    case 0: {
      const flips = 1 + pick(8);
      for (let i = 0; i < flips; i++) bytes[at()] ^= 1 << pick(8);
      return { label: `${flips} bit flips`, bytes };
    }
    case 1: {
      const start = at();
      const length = 1 + pick(16);
      const value = INTERESTING_BYTES[pick(INTERESTING_BYTES.length)];
      bytes.fill(value, start, start + length);
      return { label: `${length} bytes at ${start} set to 0x${value.toString(16)}`, bytes };
    }
    case 2: {
      const end = at();
      return { label: `truncated to ${end} bytes`, bytes: original.slice(0, end) };
    }
    case 3: {
      const start = at();
      const length = 1 + pick(Math.min(4096, original.length - start));
      return { label: `${length} bytes at ${start} deleted`, bytes: concat(original.slice(0, start), original.slice(start + length)) };
    }
    case 4: {
      const start = at();
      const length = 1 + pick(Math.min(4096, original.length - start));
      const copies = 1 + pick(4);
      const piece = original.slice(start, start + length);
      return { label: `${length} bytes at ${start} repeated ${copies} times`, bytes: concat(original.slice(0, start + length), ...Array(copies).fill(piece), original.slice(start + length)) };
    }
    case 5: {
      const start = at();
      const length = 1 + pick(64);
      for (let i = start; i < Math.min(bytes.length, start + length); i++) bytes[i] = pick(256);
      return { label: `${length} random bytes at ${start}`, bytes };
    }
    case 6: return replaceNumber(original, random);
    case 7: return insertText(original, at(), HOSTILE_MARKUP[pick(HOSTILE_MARKUP.length)]);
    default: return deleteTag(original, random);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

function replaceNumber(original: Uint8Array, random: () => number): Mutation {
  const text = decoder.decode(original);
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
  if (numbers.length === 0) return insertText(original, 0, '1e308');
  const match = numbers[Math.floor(random() * numbers.length)];
  const replacement = HOSTILE_NUMBERS[Math.floor(random() * HOSTILE_NUMBERS.length)];
  const index = match.index ?? 0;
  return {
    label: `number "${match[0]}" at character ${index} replaced by "${replacement}"`,
    bytes: encoder.encode(text.slice(0, index) + replacement + text.slice(index + match[0].length)),
  };
}

function deleteTag(original: Uint8Array, random: () => number): Mutation {
  const text = decoder.decode(original);
  const tags = [...text.matchAll(/<[^<>]{1,200}>/g)];
  if (tags.length === 0) return insertText(original, 0, '<');
  const match = tags[Math.floor(random() * tags.length)];
  const index = match.index ?? 0;
  return { label: `tag ${match[0].slice(0, 40)} at character ${index} deleted`, bytes: encoder.encode(text.slice(0, index) + text.slice(index + match[0].length)) };
}

function insertText(original: Uint8Array, at: number, text: string): Mutation {
  return { label: `${JSON.stringify(text.slice(0, 30))}${text.length > 30 ? '…' : ''} inserted at ${at}`, bytes: concat(original.slice(0, at), encoder.encode(text), original.slice(at)) };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/**
 * A mutated single FIT file made to pass the checks at the door again (header data size, header CRC, file CRC),
 * so the mutation reaches the decoder instead of stopping at "CRC mismatch".
 */
export function withFitChecksumsRepaired(bytes: Uint8Array): Uint8Array {
  const headerSize = bytes[0];
  if ((headerSize !== 12 && headerSize !== 14) || bytes.length < headerSize + 2) return bytes;
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  view.setUint32(4, out.length - headerSize - 2, true);
  if (headerSize === 14) view.setUint16(12, updateFitCrc(0, out, 0, 12), true);
  view.setUint16(out.length - 2, updateFitCrc(0, out, 0, out.length - 2), true);
  return out;
}

/** True when `bytes` hold exactly one FIT file (its header's data size covers everything but the CRC). */
export function isSingleFit(bytes: Uint8Array): boolean {
  const headerSize = bytes[0];
  return (headerSize === 12 || headerSize === 14) && new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true) + headerSize + 2 === bytes.length;
}
