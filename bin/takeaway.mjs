#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx takeaway` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { exitCleanlyOnSignals } = await import('../src/cli/interrupt.ts');
const { say } = await import('../src/cli/terminal.ts');
const { main } = await import('../src/cli/main.ts');
exitCleanlyOnSignals(say);
process.exitCode = await main(process.argv.slice(2));
