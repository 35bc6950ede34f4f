// Everything the CLI prints goes through here: each line escaped with `printable`, so names and ids from the
// input (file names, zip members, record ids) can never drive the terminal.

import { printable } from '../model/printable.ts';

/** Lines for a person (messages, errors), on stderr. */
export function say(...lines: string[]): void {
  console.error(lines.map(printable).join('\n'));
}

/** Lines that are the command's result (a plan, a verify report), on stdout. */
export function show(...lines: string[]): void {
  console.log(lines.map(printable).join('\n'));
}
