import { describe, expect, it } from 'vitest';
import { escapeXml, formatDecimal, integerInRange, stripNonXmlChars } from './xml-text.ts';

describe('escapeXml', () => {
  it('escapes the five XML-special characters', () => {
    expect(escapeXml('Café & <Crêpes> "ride" \'n\'')).toBe('Café &amp; &lt;Crêpes&gt; &quot;ride&quot; &apos;n&apos;');
  });

  it('keeps Cyrillic, CJK and astral characters unchanged', () => {
    expect(escapeXml('Привет 東京 🚴')).toBe('Привет 東京 🚴');
  });

  it('removes control characters, lone surrogates and U+FFFE/U+FFFF but keeps tab and newlines', () => {
    expect(escapeXml('a\u0000b\u0008c\u000Bd\u001Fe\tf\ng\rh\uFFFEi\uFFFFj')).toBe('abcde\tf\ng\rhij');
    expect(stripNonXmlChars('x\uD800y\uDC00z🚴')).toBe('xyz🚴');
  });
});

describe('formatDecimal', () => {
  it('keeps up to the given decimals and trims trailing zeros', () => {
    expect(formatDecimal(47.123456789, 7)).toBe('47.1234568');
    expect(formatDecimal(12, 2)).toBe('12');
    expect(formatDecimal(3.1, 3)).toBe('3.1');
    expect(formatDecimal(-8.5000001, 7)).toBe('-8.5000001');
  });

  it('never writes exponent notation or negative zero', () => {
    expect(formatDecimal(1e-7, 7)).toBe('0.0000001');
    expect(formatDecimal(-3e-7, 7)).toBe('-0.0000003');
    expect(formatDecimal(-0.00000001, 7)).toBe('0');
    expect(formatDecimal(1e22, 2)).toBe('10000000000000000000000');
    expect(formatDecimal(1e308, 2)).toBe(BigInt(1e308).toString());
    expect(formatDecimal(-1e308, 9)).toMatch(/^-1\d{308}$/);
  });

  it('round-trips positions to 1e-7 degrees', () => {
    for (let i = 0; i < 10_000; i++) {
      const value = -180 + i * 0.0360001234567;
      expect(Math.abs(Number(formatDecimal(value, 7)) - value)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
    }
  });
});

describe('integerInRange', () => {
  it('rounds values inside the range and drops NaN and values outside it', () => {
    expect(integerInRange(140.6, 1, 255)).toBe(141);
    expect(integerInRange(0.4, 1, 255)).toBeUndefined();
    expect(integerInRange(255.4, 0, 254)).toBeUndefined();
    expect(integerInRange(Number.NaN, 0, 254)).toBeUndefined();
  });
});
