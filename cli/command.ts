// The shape every `flotilla` command has, and the flag parsing and help text they share.
//
// A command is one file under cli/commands/ whose name is the command's name and which
// exports `command` (made with `defineCommand`). The dispatcher finds it by file name, so
// adding a command is adding a file. Keep a command file's top-level imports light and
// import the heavy machinery inside `run`: `flotilla --help` imports every command file to
// list them.

import { parseArgs } from 'node:util';

/** A wrong command line: the dispatcher prints the message and a hint, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure (port in use, data dir locked…): the message alone is printed, exit 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** One-letter alias, without the dash. */
  short?: string;
  /** What the value is called in the help text (`--port P`). */
  valueName?: string;
  /** Used when neither the flag nor `env` is given; shown in the help text. */
  default?: string | boolean;
  /** An environment variable that supplies the value when the flag is absent. */
  env?: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { default: string }
    ? string
    : string | undefined;

/** The parsed flags of a command: booleans are always set, strings when they have a default. */
export type FlagValues<F extends FlagSpecs> = { [K in keyof F]: FlagValue<F[K]> };

export interface CommandContext<F extends FlagSpecs> {
  flags: FlagValues<F>;
  positionals: string[];
  /** The directory the user ran the command in (npm runs scripts in the package root). */
  invocationDir: string;
}

export interface CommandSpec<F extends FlagSpecs> {
  name: string;
  /** One line, for the root help's command list. */
  summary: string;
  /** Paragraphs shown under the usage line. */
  description?: string;
  /** Usage after `flotilla <name>`, e.g. `[flags]` or `CLUSTER [flags]`. */
  usage?: string;
  flags: F;
  /** Extra help sections (title → lines), e.g. files a command writes. */
  notes?: Record<string, string[]>;
  examples: string[];
  /** Whether the command takes positional arguments; extra ones are a usage error otherwise. */
  allowPositionals?: boolean;
  /** Resolves to the process exit code. */
  run(ctx: CommandContext<F>): Promise<number>;
}

/** Type-erased view the dispatcher works with. */
export interface AnyCommand {
  name: string;
  summary: string;
  help(): string;
  execute(argv: string[], invocationDir: string): Promise<number>;
}

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'Show this help and exit' };

export function defineCommand<const F extends FlagSpecs>(spec: CommandSpec<F>): AnyCommand {
  if ('help' in spec.flags) throw new Error(`${spec.name}: --help is added to every command`);
  return {
    name: spec.name,
    summary: spec.summary,
    help: () => formatCommandHelp(spec),
    async execute(argv, invocationDir) {
      const parsed = parseFlags(spec, argv);
      if (parsed === 'help') {
        process.stdout.write(formatCommandHelp(spec));
        return 0;
      }
      return spec.run({ flags: parsed.flags, positionals: parsed.positionals, invocationDir });
    },
  };
}

function parseFlags<F extends FlagSpecs>(
  spec: CommandSpec<F>,
  argv: string[],
): 'help' | { flags: FlagValues<F>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = flag.short ? { type: flag.type, short: flag.short } : { type: flag.type };
  }
  let result: ReturnType<typeof parseArgs>;
  try {
    result = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(rephraseParseError(err, spec.name));
  }
  if (result.values.help === true) return 'help';
  if (!spec.allowPositionals && result.positionals.length > 0) {
    throw new UsageError(`flotilla ${spec.name}: unexpected argument '${result.positionals[0]}'`);
  }
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const given = result.values[name];
    if (given !== undefined && typeof given !== 'object') {
      flags[name] = given;
      continue;
    }
    const fromEnv = flag.env ? process.env[flag.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      flags[name] = flag.type === 'boolean' ? !/^(0|false|no)$/i.test(fromEnv) : fromEnv;
    } else {
      flags[name] = flag.default ?? (flag.type === 'boolean' ? false : undefined);
    }
  }
  // Every key of F was filled from its spec just above, with the type its spec declares.
  return { flags: flags as FlagValues<F>, positionals: result.positionals };
}

/** node:util's messages name the internal option list; say it the way a user typed it. */
function rephraseParseError(err: unknown, command: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    return `flotilla ${command}: unknown flag '${unknown[1]}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
    if (flag && /argument missing/.test(message)) return `flotilla ${command}: ${flag} needs a value`;
    if (flag && /does not take an argument/.test(message)) return `flotilla ${command}: ${flag} takes no value`;
    if (flag && /ambiguous/.test(message)) return `flotilla ${command}: ${flag}'s value looks like a flag; write ${flag}=VALUE`;
  }
  return `flotilla ${command}: ${message.split('\n')[0]}`;
}

export function formatCommandHelp<F extends FlagSpecs>(spec: CommandSpec<F>): string {
  const lines: string[] = [];
  lines.push(`Usage: flotilla ${spec.name} ${spec.usage ?? '[flags]'}`, '');
  lines.push(spec.description ?? spec.summary, '');
  lines.push('Flags:');
  const rows: [string, string][] = [];
  for (const [name, flag] of [...Object.entries(spec.flags), ['help', HELP_FLAG] as const]) {
    const short = flag.short ? `-${flag.short}, ` : '    ';
    const value = flag.type === 'string' ? ` ${flag.valueName ?? 'VALUE'}` : '';
    const extras: string[] = [];
    if (flag.default !== undefined && flag.default !== false) extras.push(`default: ${String(flag.default)}`);
    if (flag.env) extras.push(`env ${flag.env}`);
    rows.push([`${short}--${name}${value}`, flag.description + (extras.length ? ` (${extras.join('; ')})` : '')]);
  }
  lines.push(...table(rows));
  for (const [title, body] of Object.entries(spec.notes ?? {})) {
    lines.push('', `${title}:`, ...body.map((l) => (l ? `  ${l}` : '')));
  }
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** Two aligned columns, the right one wrapped to fit 100 columns. */
export function table(rows: [string, string][], indent = 2): string[] {
  const width = Math.min(26, Math.max(...rows.map(([left]) => left.length)));
  const pad = ' '.repeat(indent);
  const hang = ' '.repeat(indent + width + 2);
  return rows.flatMap(([left, right]) => {
    const wrapped = wrap(right, Math.max(40, 100 - hang.length));
    const first = left.length > width ? [`${pad}${left}`, `${hang}${wrapped[0] ?? ''}`] : [`${pad}${left.padEnd(width + 2)}${wrapped[0] ?? ''}`];
    return [...first, ...wrapped.slice(1).map((l) => `${hang}${l}`)];
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
