// `flotilla <command> [flags]`: finds the command's file under cli/commands/ and runs it.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { CommandError, table, UsageError, type AnyCommand } from './command.js';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Command names, from the file names in cli/commands/ (files starting with `_` are helpers). */
export function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

async function loadCommand(name: string): Promise<AnyCommand> {
  const mod = (await import(pathToFileURL(join(commandsDir, `${name}.ts`)).href)) as { command?: AnyCommand };
  if (!mod.command) throw new Error(`cli/commands/${name}.ts does not export \`command\``);
  return mod.command;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

async function rootHelp(): Promise<string> {
  const commands = await Promise.all(commandNames().map(loadCommand));
  return [
    'Usage: flotilla <command> [flags]',
    '',
    "Flotilla: a multi-cluster Kubernetes control plane that speaks Karmada's API,",
    'running as a worker with its state in libSQL.',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Flags:',
    ...table([
      ['-h, --help', 'Show this help and exit'],
      ['    --version', 'Print the Flotilla version and exit'],
    ]),
    '',
    "Run 'flotilla <command> --help' for a command's flags and examples.",
    '',
    'Examples:',
    '  npm run up                                # from the repository: start a local control plane',
    '  npx --no-install flotilla up --port 0      # pick a free port',
    '  flotilla up --help',
    '',
  ].join('\n');
}

/** The directory relative paths on the command line are relative to (see PLATFORM.md). */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

/** Runs the CLI and resolves to the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      if (first === 'help' && rest[0]) return await main([rest[0], '--help']);
      process.stdout.write(await rootHelp());
      return 0;
    }
    if (first === '--version' || first === 'version') {
      process.stdout.write(`flotilla ${version()}\n`);
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`flotilla: unknown flag '${first}' (flags go after the command)`);
    const names = commandNames();
    if (!names.includes(first)) {
      throw new UsageError(`flotilla: unknown command '${first}' (commands: ${names.join(', ')})`);
    }
    const command = await loadCommand(first);
    return await command.execute(rest, invocationDir());
  } catch (err) {
    if (err instanceof UsageError) {
      const cmd = first && !first.startsWith('-') && commandNames().includes(first) ? ` ${first}` : '';
      process.stderr.write(`${err.message}\nRun 'flotilla${cmd} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof CommandError) {
      process.stderr.write(`flotilla: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`flotilla: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
