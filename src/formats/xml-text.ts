// Shared XML text helpers for the XML formats (GPX, TCX, XML): escaping with XML 1.0 character
// filtering, and compact dot-decimal number formatting for hot loops.

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Everything else (C0 controls, lone surrogates, U+FFFE/U+FFFF) makes the document not well-formed.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_SPECIAL = /[&<>"']/g;
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Characters that XML 1.0 cannot carry are removed (not replaced), so text round-trips minus those. */
export function stripNonXmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/**
 * Escapes text for XML element content or a double- or single-quoted attribute value:
 * `& < > " '` become entities and characters not allowed in XML 1.0 are removed.
 */
export function escapeXml(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return stripNonXmlChars(text).replace(XML_SPECIAL, (c) => ENTITIES[c]!);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Formats a finite number with at most `maxDecimals` decimals (0–9), dot decimal, trailing zeros
 * trimmed, never exponent notation (xsd:decimal forbids it), never `-0`. Halves round up (`Math.round`).
 * Example: `formatDecimal(47.123456789, 7)` → `"47.1234568"`, `formatDecimal(12, 2)` → `"12"`.
 */
export function formatDecimal(value: number, maxDecimals: number): string {
  // An integer at this size already; scaling it first could overflow to Infinity (1e308 × 100).
  if (value >= 1e21 || value <= -1e21) return BigInt(value).toString();
  const scale = POW10[maxDecimals]!;
  const rounded = Math.round(value * scale) / scale;
  if (rounded === 0) return '0';
  const abs = rounded < 0 ? -rounded : rounded;
  // String() switches to exponent notation below 1e-6 and from 1e21; xsd:decimal forbids exponents.
  if (abs >= 1e-6 && abs < 1e21) return String(rounded);
  if (abs >= 1e21) return BigInt(rounded).toString(); // 1e21 - 0.5 rounds up to it; toFixed would use an exponent
  return trimZeros(rounded.toFixed(maxDecimals));
}

function trimZeros(fixed: string): string {
  if (fixed.indexOf('.') < 0) return fixed;
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  return fixed.slice(0, end);
}

/** Rounds to an integer; `undefined` when the value is NaN or rounds outside `[min, max]` (out-of-range values are dropped, not clamped). */
export function integerInRange(value: number, min: number, max: number): number | undefined {
  const n = Math.round(value);
  return n >= min && n <= max ? n : undefined;
}
