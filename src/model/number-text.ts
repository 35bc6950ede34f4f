// Number text for the lossless forms (JSONL, JSON, XML): the shortest text that reads back to the same value.

/** Float32 has a 24-bit significand: every integer below 2^24 is exact. */
const FLOAT32_EXACT_INTEGERS = 2 ** 24;

/** Shortest decimal text of a double (`String(n)`, but `-0` kept); `null` for NaN and ±Infinity, which JSON cannot write. */
export function float64Text(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * Shortest decimal text that `Math.fround` maps back to the same float32, e.g. `3.4` rather than
 * `3.4000000953674316`, `-0` kept. Exact on re-import into a Float32Array; about half the bytes of `String(n)`.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // Most samples (heart rate, cadence, power) are whole numbers, exact and shortest as such below 2^24.
  if (Number.isInteger(value) && Math.abs(value) < FLOAT32_EXACT_INTEGERS) return String(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  // 9 significant digits always identify a float32 (IEEE 754 §5.12.2).
  return String(Number(value.toPrecision(9)));
}
