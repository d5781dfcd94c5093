#!/usr/bin/env node
// The `flotilla` executable. Node 20 cannot run TypeScript, so this plain-JS entry registers
// tsx's loader and then imports the CLI's TypeScript sources; no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

// Name the project's tsconfig: tsx would otherwise look for one in the caller's directory
// (npx runs there), which may belong to another project.
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });

const { main } = await import('../main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: a library's idle socket or timer must not keep a stopped `up` alive.
// The empty writes complete only after everything queued before them has been flushed.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
