// Text from outside (file and member names, record ids, reasons that quote them) made safe to print on a
// terminal: a control character or an escape sequence in a name would otherwise move the cursor, clear the
// screen, retitle the window or fake a line. Each is written as a JSON-style escape (`\u001b`, `\n`), so JSON
// output passed through stays valid JSON.

/** C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
