import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureOpenApiCode } from '../../cli/launcher/codegen.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-openapi-codegen-'));
  symlinkSync(new URL('../../node_modules', import.meta.url).pathname, join(dir, 'node_modules'));
  mkdirSync(join(dir, 'cli/build'), { recursive: true });
  mkdirSync(join(dir, 'shared/registry'), { recursive: true });
  writeFileSync(join(dir, 'shared/registry/builtin.ts'), 'export const kinds = [];\n');
  // A stand-in generator: counts its runs and writes its stamp, as cli/build/openapi.ts does last.
  writeFileSync(
    join(dir, 'cli/build/openapi.ts'),
    `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
appendFileSync('runs', 'x');
mkdirSync('functions/generated/openapi', { recursive: true });
writeFileSync('functions/generated/openapi/stamp.json', '{}');
console.log('[openapi] wrote');
`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runs = (): number => readFileSync(join(dir, 'runs'), 'utf8').length;

describe('OpenAPI build step under `up`', () => {
  it('runs when its output is missing, then not until the generator or the built-in kinds change', async () => {
    const lines: string[] = [];
    expect(await ensureOpenApiCode(dir, (l) => lines.push(l))).toBe('generated');
    expect(lines).toContain('[openapi] wrote');
    expect(await ensureOpenApiCode(dir)).toBe('present');
    expect(runs()).toBe(1);

    // An edit to the registry of built-in kinds changes which definitions are kept.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'shared/registry/builtin.ts'), later, later);
    expect(await ensureOpenApiCode(dir)).toBe('generated');
    expect(runs()).toBe(2);
    expect(await ensureOpenApiCode(dir)).toBe('present');
    expect(runs()).toBe(2);
  });
});
