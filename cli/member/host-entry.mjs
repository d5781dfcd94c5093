#!/usr/bin/env node
// The member host's executable (cli/member/host.ts). Node 20 cannot run TypeScript, so, like
// cli/bin/flotilla.mjs, this registers tsx's loader first and names the project's tsconfig.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });

const { runMemberHost } = await import('./host.ts');
const code = await runMemberHost(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
