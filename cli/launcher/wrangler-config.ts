// The settings `up` shares with a Cloudflare deploy, read from wrangler.toml so the local
// worker runs with the same compatibility date, flags, queue and cron as the deployed one.

import { readFileSync } from 'node:fs';

export interface WranglerConfig {
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  queueProducers: { binding: string; queue: string }[];
  queueConsumers: { queue: string; maxBatchTimeout?: number; maxBatchSize?: number; maxRetries?: number }[];
  crons: string[];
  /** Durable Object bindings of classes the worker itself exports. */
  durableObjects: { binding: string; className: string }[];
}

type TomlValue = string | number | boolean | string[];
type TomlTable = Record<string, TomlValue>;

/**
 * Reads the subset of TOML wrangler.toml uses: `key = "string" | number | bool | ["a", …]`
 * (single-line), `[table]` and `[[array.of.tables]]`, comments. Anything else is an error
 * rather than a silent misread.
 */
export function parseTomlSubset(text: string): { tables: Map<string, TomlTable[]> } {
  const tables = new Map<string, TomlTable[]>([['', [{}]]]);
  let current: TomlTable = tables.get('')![0]!;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    let m: RegExpExecArray | null;
    if ((m = /^\[\[\s*([\w.-]+)\s*\]\]$/.exec(line))) {
      current = {};
      tables.set(m[1]!, [...(tables.get(m[1]!) ?? []), current]);
    } else if ((m = /^\[\s*([\w.-]+)\s*\]$/.exec(line))) {
      current = {};
      tables.set(m[1]!, [current]);
    } else if ((m = /^([\w-]+)\s*=\s*(.+)$/.exec(line))) {
      current[m[1]!] = parseValue(m[2]!, i + 1);
    } else {
      throw new Error(`wrangler.toml:${i + 1}: cannot read '${line}'`);
    }
  });
  return { tables };
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') inString = !inString;
    if (line[i] === '#' && !inString) return line.slice(0, i);
  }
  return line;
}

function parseValue(text: string, lineNo: number): TomlValue {
  const t = text.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return JSON.parse(t) as string;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^\[.*\]$/.test(t)) {
    const items = t.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
    return items.map((item) => {
      const v = parseValue(item, lineNo);
      if (typeof v !== 'string') throw new Error(`wrangler.toml:${lineNo}: only arrays of strings are supported`);
      return v;
    });
  }
  throw new Error(`wrangler.toml:${lineNo}: unsupported value ${t}`);
}

export function readWranglerConfig(file: string): WranglerConfig {
  const { tables } = parseTomlSubset(readFileSync(file, 'utf8'));
  const top = tables.get('')![0]!;
  const str = (t: TomlTable, k: string): string | undefined => (typeof t[k] === 'string' ? (t[k] as string) : undefined);
  const num = (t: TomlTable, k: string): number | undefined => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
  const compatibilityDate = str(top, 'compatibility_date');
  const main = str(top, 'main');
  if (!compatibilityDate || !main) throw new Error(`${file} lacks main or compatibility_date`);
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(tables.get('vars')?.[0] ?? {})) vars[k] = String(v);
  return {
    main,
    compatibilityDate,
    compatibilityFlags: Array.isArray(top.compatibility_flags) ? top.compatibility_flags : [],
    vars,
    queueProducers: (tables.get('queues.producers') ?? []).flatMap((t) => {
      const binding = str(t, 'binding');
      const queue = str(t, 'queue');
      return binding && queue ? [{ binding, queue }] : [];
    }),
    queueConsumers: (tables.get('queues.consumers') ?? []).flatMap((t) => {
      const queue = str(t, 'queue');
      if (!queue) return [];
      return [
        {
          queue,
          maxBatchTimeout: num(t, 'max_batch_timeout'),
          maxBatchSize: num(t, 'max_batch_size'),
          maxRetries: num(t, 'max_retries'),
        },
      ];
    }),
    durableObjects: (tables.get('durable_objects.bindings') ?? []).flatMap((t) => {
      const binding = str(t, 'name');
      const className = str(t, 'class_name');
      return binding && className ? [{ binding, className }] : [];
    }),
    crons: (() => {
      const crons = tables.get('triggers')?.[0]?.crons;
      return Array.isArray(crons) ? crons : [];
    })(),
  };
}
