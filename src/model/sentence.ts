// A clause from an error or a size phrase, shown on its own: first letter capital, one full stop at the end.

export function asSentence(clause: string): string {
  const text = clause.trim().replace(/^./, (c) => c.toUpperCase());
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
