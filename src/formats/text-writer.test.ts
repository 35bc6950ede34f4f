import { describe, expect, it } from 'vitest';
import { numberCell } from './csv/parts.ts';
import { BytePieceWriter, asciiBytes } from './text-writer.ts';
import { IsoTimeFormatter } from './time-format.ts';
import { formatDecimal } from './xml-text.ts';
import { SeededRandom } from '../demo/random.ts';

const decoder = new TextDecoder();

/** Uniform numbers in [0, 1) from `seed` (the demo's mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

/** Values of every kind the encoders meet, plus the edges of the fast path and of String()'s formats. */
function valuesToTry(count: number, seed: number): number[] {
  const next = random(seed);
  const values = [
    0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.05, 0.005, 0.0005, 0.00005, 1e-6, -1e-6, 1e-7, 5e-8, 4.9e-8, -5e-8, 9.99999995e-7,
    1e14, 999_999_999_999_999, 1e15, 1e15 - 0.5, -1e15, 2 ** 53, 2 ** 53 + 2, 1e20, 1e21, -1e21, 1e22, 1.7976931348623157e308,
    Number.MIN_VALUE, -Number.MIN_VALUE, 2_147_483_647, 2_147_483_648, 214.7483648, 47.3769, 8.5417, -180, 180, 90, -90,
    Math.fround(0.1), Math.fround(408.25), Math.fround(3.4), 0.1 + 0.2, 1.005, 1.0005, 1.00005,
  ];
  while (values.length < count) {
    const r = next();
    const magnitude = 10 ** Math.floor(next() * 26 - 10); // 1e-10 … 1e15
    const sign = next() < 0.3 ? -1 : 1;
    if (r < 0.3) values.push(sign * next() * magnitude);
    else if (r < 0.45) values.push(Math.fround(sign * next() * magnitude));
    else if (r < 0.6) values.push(sign * (Math.floor(next() * 1e6) + 0.5) / 10 ** Math.floor(next() * 10)); // exact halves at some scale
    else if (r < 0.75) values.push(sign * Math.floor(next() * 2 ** 32)); // integers around the small-integer limit
    else values.push(sign * (next() * 360 - 180)); // coordinates and sensor values
  }
  return values;
}

function writeAll(values: number[], write: (out: BytePieceWriter, value: number) => void): string[] {
  const out = new BytePieceWriter();
  const pieces: string[] = [];
  for (const value of values) {
    write(out, value);
    out.byte(10);
    if (out.isFull) pieces.push(decoder.decode(out.take()));
  }
  pieces.push(decoder.decode(out.take() ?? new Uint8Array(0)));
  return pieces.join('').split('\n').slice(0, -1);
}

/** formatDecimal's text, or `throws` where it throws (values that overflow when scaled, like 1.7e308 at 9 decimals). */
function referenceDecimal(value: number, decimals: number): string {
  try {
    return formatDecimal(value, decimals);
  } catch {
    return 'throws';
  }
}

describe('BytePieceWriter.decimal', () => {
  it('writes the same text as formatDecimal for two million values at every precision', () => {
    const values = valuesToTry(200_000, 7);
    for (let decimals = 0; decimals <= 9; decimals++) {
      const written = writeAll(values, (out, value) => {
        try {
          out.decimal(value, decimals, formatDecimal);
        } catch {
          out.ascii('throws');
        }
      });
      const mismatches = values.filter((value, i) => written[i] !== referenceDecimal(value, decimals));
      expect(mismatches.slice(0, 5), `decimals ${decimals}`).toEqual([]);
    }
  });

  it('writes the same text as the CSV number cell for finite values', () => {
    const values = valuesToTry(300_000, 11).filter(Number.isFinite);
    for (const decimals of [3, 6, 7]) {
      const written = writeAll(values, (out, value) => out.decimal(value, decimals, numberCell));
      const mismatches = values.filter((value, i) => written[i] !== numberCell(value, decimals));
      expect(mismatches.slice(0, 5), `decimals ${decimals}`).toEqual([]);
    }
  });

  it('hands NaN to the slow text, as formatDecimal would write it', () => {
    expect(writeAll([Number.NaN], (out, value) => out.decimal(value, 3, formatDecimal))).toEqual([formatDecimal(Number.NaN, 3)]);
  });
});

describe('BytePieceWriter', () => {
  it('grows for text longer than its buffer and encodes non-ASCII text as UTF-8', () => {
    const out = new BytePieceWriter(8);
    const long = 'Zürich → 東京 🚴 '.repeat(50);
    out.bytes(asciiBytes('<name>'));
    out.text(long);
    out.ascii('</name>');
    expect(out.isFull).toBe(true);
    expect(decoder.decode(out.take())).toBe(`<name>${long}</name>`);
    expect(out.take()).toBeUndefined();
  });

  it('writes integers and two-digit fields', () => {
    const out = new BytePieceWriter();
    for (const n of [0, 7, 10, 2_147_483_647, 2_147_483_648, 9_007_199_254_740_991]) {
      out.uint(n);
      out.byte(32);
    }
    out.twoDigits(5);
    out.twoDigits(59);
    expect(decoder.decode(out.take())).toBe('0 7 10 2147483647 2147483648 9007199254740991 0559');
  });
});

describe('IsoTimeFormatter.write', () => {
  it('writes the same text as format() for random instants, offsets and millisecond fractions', () => {
    const next = random(3);
    for (const [offsetMin, useZ] of [[0, true], [0, false], [60, true], [-330, false], [840, true]] as const) {
      const formatter = new IsoTimeFormatter(offsetMin, useZ);
      const reference = new IsoTimeFormatter(offsetMin, useZ);
      let timeMs = Date.UTC(1969, 11, 31, 23, 0, 0);
      const times: number[] = [];
      for (let i = 0; i < 50_000; i++) {
        const r = next();
        timeMs += r < 0.6 ? 1000 : r < 0.8 ? next() * 2000 : r < 0.95 ? Math.floor(next() * 86_400_000) : -Math.floor(next() * 1e9);
        times.push(timeMs);
      }
      times.push(Date.UTC(2025, 0, 1) - 0.4, Date.UTC(2025, 0, 1) - 0.5, Date.UTC(-1, 5, 1), Date.UTC(10_000, 0, 1, 12));
      const written = writeAll(times, (out, t) => formatter.write(out, t));
      expect(written.filter((text, i) => text !== reference.format(times[i]!)).slice(0, 5)).toEqual([]);
    }
  });
});
