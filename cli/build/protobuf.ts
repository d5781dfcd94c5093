/**
 * Build step: generates the static protobuf decoding tables that functions/protobuf.ts needs
 * to read the bodies kubectl sends as `application/vnd.kubernetes.protobuf`.
 *
 *   npx tsx cli/build/protobuf.ts [--force]
 *
 * 1. `go mod download` fetches k8s.io/api and k8s.io/apimachinery at one pinned version from
 *    the Go module proxy; their `generated.proto` files are copied to a cache outside the repo.
 * 2. A small stdlib-only Go program reads the Go structs beside those protos. The protos alone
 *    cannot say how Go turns a decoded message into JSON: gogo-protobuf writes every non-pointer
 *    scalar even when it is zero, so only the Go struct (pointer or not, `omitempty`, inline
 *    embedding, the JSON name) tells a zero that must be dropped from one that must be kept.
 * 3. `buf generate` with protoc-gen-es (@bufbuild/protobuf v2) turns the protos into TypeScript
 *    modules that embed serialized descriptors. Decoding interprets those descriptors, so nothing
 *    compiles code at run time (workerd forbids eval / new Function).
 * 4. An index.ts ties it together: the descriptor registry, apiVersion+kind → message name, and
 *    the Go field table.
 *
 * Output: functions/generated/protobuf/ (git-ignored, rebuilt by this script). A stamp file there
 * records the inputs; a second run with the same inputs does nothing.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, buildLogger, cacheRoot, installOutput, listFiles, packageVersion, run, runBuild } from './build-kit.js';

/** Both modules are released together; 0.33.x matches the Kubernetes 1.33 API we serve. */
export const K8S_API_VERSION = 'v0.33.13';
export const APIMACHINERY_VERSION = 'v0.33.13';
/** Bump whenever this script's output changes for the same inputs, so stale caches are rebuilt. */
export const GENERATOR_VERSION = 1;

/** Folders under k8s.io/api: the built-in groups Flotilla serves. */
export const API_PACKAGES = [
  'core/v1',
  'apps/v1',
  'batch/v1',
  'networking/v1',
  'discovery/v1',
  'rbac/v1',
  'policy/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'coordination/v1',
  'scheduling/v1',
  'storage/v1',
  'authentication/v1',
  'authorization/v1',
] as const;

/** Folders under k8s.io/apimachinery that the API protos import (runtime/schema included). */
export const APIMACHINERY_PACKAGES = [
  'pkg/apis/meta/v1',
  'pkg/runtime',
  'pkg/runtime/schema',
  'pkg/util/intstr',
  'pkg/api/resource',
] as const;

/** Kinds that metav1.AddToGroupVersion registers in every group version. */
const META_OPTION_KINDS = ['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'GetOptions', 'ListOptions'];
/** Kinds registered "unversioned" under v1 (metav1's Unversioned group version). */
const META_UNVERSIONED_KINDS = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(repoRoot, 'functions', 'generated', 'protobuf');
const stampPath = join(outDir, 'stamp.json');
const require = createRequire(import.meta.url);

const log = buildLogger('protobuf');


interface Stamp {
  generator: number;
  k8sApi: string;
  apimachinery: string;
  protocGenEs: string;
  packages: string[];
}

function expectedStamp(): Stamp {
  return {
    generator: GENERATOR_VERSION,
    k8sApi: K8S_API_VERSION,
    apimachinery: APIMACHINERY_VERSION,
    protocGenEs: packageVersion('@bufbuild/protoc-gen-es'),
    packages: [...API_PACKAGES.map((p) => `k8s.io/api/${p}`), ...APIMACHINERY_PACKAGES.map((p) => `k8s.io/apimachinery/${p}`)],
  };
}

function upToDate(stamp: Stamp): boolean {
  if (!existsSync(stampPath) || !existsSync(join(outDir, 'index.ts'))) return false;
  try {
    return JSON.stringify(JSON.parse(readFileSync(stampPath, 'utf8'))) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

function goBinary(): string {
  const go = process.env.GO || 'go';
  const probe = spawnSync(go, ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new BuildError(
      `Go is required to fetch the Kubernetes .proto files (\`${go} version\` failed: ${probe.error?.message ?? probe.stderr}).\n` +
        'Install Go 1.21 or newer and put `go` on PATH (or set GO=/path/to/go), then run this again.',
    );
  }
  log(probe.stdout.trim());
  return go;
}

interface ModuleInfo {
  Path: string;
  Version: string;
  Dir?: string;
  Error?: string;
}

/** `go mod download -json` prints one JSON object per module, back to back. */
function parseConcatenatedJson(text: string): ModuleInfo[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  return JSON.parse(`[${trimmed.replace(/}\s*{/g, '},{')}]`) as ModuleInfo[];
}

function downloadModules(go: string): { api: string; apimachinery: string } {
  // An empty temp dir: no go.mod above it can steer the download, and nothing lands in the repo.
  const work = mkdtempSync(join(tmpdir(), 'flotilla-gomod-'));
  try {
    const out = run(go, ['mod', 'download', '-json', `k8s.io/api@${K8S_API_VERSION}`, `k8s.io/apimachinery@${APIMACHINERY_VERSION}`], {
      cwd: work,
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      what: 'go mod download',
    });
    const modules = parseConcatenatedJson(out);
    const dirOf = (path: string): string => {
      const m = modules.find((x) => x.Path === path);
      if (!m || m.Error || !m.Dir) throw new BuildError(`go mod download: ${path}: ${m?.Error ?? 'no directory reported'}`);
      return m.Dir;
    };
    return { api: dirOf('k8s.io/api'), apimachinery: dirOf('k8s.io/apimachinery') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Reads Go struct declarations with go/ast only (no type checking, no dependencies to fetch).
// Written without struct tags or backquotes so it can live in this template string.
const GO_META_SOURCE = String.raw`package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"
)

func shapeOf(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "pointer"
	case *ast.ArrayType:
		if t.Len == nil {
			return "slice"
		}
		return "array"
	case *ast.MapType:
		return "map"
	case *ast.StructType:
		return "struct"
	case *ast.Ident, *ast.SelectorExpr:
		return "named"
	}
	return "other"
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return typeName(t.X) + "." + t.Sel.Name
	case *ast.StarExpr:
		return "*" + typeName(t.X)
	}
	return ""
}

func main() {
	out := []map[string]any{}
	for _, dir := range os.Args[1:] {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, 0)
		if err != nil {
			panic(err)
		}
		types := map[string]any{}
		var group any
		for _, p := range pkgs {
			for _, f := range p.Files {
				for _, decl := range f.Decls {
					gd, ok := decl.(*ast.GenDecl)
					if !ok {
						continue
					}
					for _, spec := range gd.Specs {
						switch s := spec.(type) {
						case *ast.ValueSpec:
							for i, n := range s.Names {
								if n.Name == "GroupName" && i < len(s.Values) {
									if bl, ok := s.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
										v, _ := strconv.Unquote(bl.Value)
										group = v
									}
								}
							}
						case *ast.TypeSpec:
							t := map[string]any{"shape": shapeOf(s.Type)}
							st, ok := s.Type.(*ast.StructType)
							if !ok {
								types[s.Name.Name] = t
								continue
							}
							fields := []map[string]any{}
							for _, fl := range st.Fields.List {
								tag := ""
								if fl.Tag != nil {
									tag, _ = strconv.Unquote(fl.Tag.Value)
								}
								stag := reflect.StructTag(tag)
								tn := typeName(fl.Type)
								jsonTag := strings.Split(stag.Get("json"), ",")
								if len(fl.Names) == 0 && (tn == "metav1.TypeMeta" || tn == "TypeMeta") {
									t["kind"] = true
								}
								parts := strings.Split(stag.Get("protobuf"), ",")
								if len(parts) < 2 {
									continue
								}
								num, err := strconv.Atoi(parts[1])
								if err != nil {
									continue
								}
								goName := tn
								if len(fl.Names) > 0 {
									goName = fl.Names[0].Name
								}
								omit := false
								for _, o := range jsonTag[1:] {
									if o == "omitempty" {
										omit = true
									}
								}
								fields = append(fields, map[string]any{
									"num":   num,
									"go":    goName,
									"json":  jsonTag[0],
									"anon":  len(fl.Names) == 0,
									"omit":  omit,
									"shape": shapeOf(fl.Type),
								})
							}
							t["fields"] = fields
							types[s.Name.Name] = t
						}
					}
				}
			}
		}
		out = append(out, map[string]any{"dir": dir, "group": group, "types": types})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
`;

interface GoField {
  num: number;
  go: string;
  json: string;
  anon: boolean;
  omit: boolean;
  shape: string;
}
interface GoType {
  shape: string;
  kind?: boolean;
  fields?: GoField[];
}
interface GoPackage {
  dir: string;
  group: string | null;
  types: Record<string, GoType>;
}

function readGoMetadata(go: string, dirs: string[]): GoPackage[] {
  const work = mkdtempSync(join(tmpdir(), 'flotilla-gometa-'));
  try {
    writeFileSync(join(work, 'go.mod'), 'module flotilla.local/gometa\n\ngo 1.21\n');
    writeFileSync(join(work, 'main.go'), GO_META_SOURCE);
    const out = run(go, ['run', '.', ...dirs], {
      cwd: work,
      // GOTOOLCHAIN=local: never let the go line trigger a toolchain download.
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
      what: 'reading Go struct tags',
    });
    return JSON.parse(out) as GoPackage[];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Source {
  /** Import path of the proto, e.g. k8s.io/api/core/v1/generated.proto. */
  protoPath: string;
  /** Directory of the Go package (and the .proto) in the module cache. */
  goDir: string;
  /** Folder under k8s.io/api, or undefined for apimachinery packages. */
  apiPackage?: string;
}

function sources(dirs: { api: string; apimachinery: string }): Source[] {
  return [
    ...API_PACKAGES.map((p) => ({ protoPath: `k8s.io/api/${p}/generated.proto`, goDir: join(dirs.api, p), apiPackage: p })),
    ...APIMACHINERY_PACKAGES.map((p) => ({ protoPath: `k8s.io/apimachinery/${p}/generated.proto`, goDir: join(dirs.apimachinery, p) })),
  ];
}

/**
 * Returns the cache folder holding `protos/` (an import root for buf) and `gometa.json`.
 * Both depend only on the pinned versions and this script, so they are shared between checkouts.
 */
function prepareCache(): { protos: string; gometa: GoPackage[]; sources: Source[] } {
  const dir = join(cacheRoot('protobuf'), `k8s.io-api@${K8S_API_VERSION}+apimachinery@${APIMACHINERY_VERSION}+g${GENERATOR_VERSION}`);
  const protos = join(dir, 'protos');
  const gometaPath = join(dir, 'gometa.json');
  const sourcesPath = join(dir, 'sources.json');
  if (existsSync(gometaPath) && existsSync(sourcesPath) && existsSync(protos)) {
    log(`using cached protos in ${dir}`);
    return {
      protos,
      gometa: JSON.parse(readFileSync(gometaPath, 'utf8')) as GoPackage[],
      sources: JSON.parse(readFileSync(sourcesPath, 'utf8')) as Source[],
    };
  }
  const go = goBinary();
  log(`downloading k8s.io/api@${K8S_API_VERSION} and k8s.io/apimachinery@${APIMACHINERY_VERSION} (go mod download)`);
  const moduleDirs = downloadModules(go);
  const srcs = sources(moduleDirs);

  // Staged next to the final folder and renamed into place, so an interrupted run leaves no half cache.
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.tmp-`);
  const stagedProtos = join(staging, 'protos');
  for (const s of srcs) {
    const target = join(stagedProtos, s.protoPath);
    mkdirSync(dirname(target), { recursive: true });
    // Read and write rather than copy: the module cache is read-only and copies keep that mode.
    writeFileSync(target, readFileSync(join(s.goDir, 'generated.proto')));
  }
  writeFileSync(join(stagedProtos, 'buf.yaml'), 'version: v2\n');
  log(`copied ${srcs.length} generated.proto files`);

  log('reading Go struct tags (go run, stdlib only)');
  const gometa = readGoMetadata(
    go,
    srcs.map((s) => s.goDir),
  );
  writeFileSync(join(staging, 'gometa.json'), JSON.stringify(gometa));
  writeFileSync(join(staging, 'sources.json'), JSON.stringify(srcs));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return { protos: join(dir, 'protos'), gometa, sources: srcs };
}

function runBuf(protos: string, out: string): void {
  const bufBin = require.resolve('@bufbuild/buf/bin/buf');
  const genEsPkg = require.resolve('@bufbuild/protoc-gen-es/package.json');
  const genEsBin = join(dirname(genEsPkg), (JSON.parse(readFileSync(genEsPkg, 'utf8')) as { bin: Record<string, string> }).bin['protoc-gen-es'] ?? 'bin/protoc-gen-es');
  const template = {
    version: 'v2',
    plugins: [
      {
        // Started through this Node so it works the same on every OS and without npm's .bin on PATH.
        local: [process.execPath, genEsBin],
        out,
        // One plugin process for all files: the default starts Node once per proto folder (19×).
        strategy: 'all',
        opt: ['target=ts', 'import_extension=js'],
      },
    ],
  };
  run(process.execPath, [bufBin, 'generate', protos, '--template', JSON.stringify(template)], {
    cwd: protos,
    what: 'buf generate',
  });
}

/** The identifier protoc-gen-es exports for a file: file_ + path without .proto, non-word chars → _. */
function fileExportName(protoPath: string): string {
  return `file_${protoPath.replace(/\.proto$/, '').replace(/[^a-zA-Z0-9]/g, '_')}`;
}

function protoPackageOf(protoText: string, path: string): string {
  const m = /^package\s+([\w.]+)\s*;/m.exec(protoText);
  if (!m?.[1]) throw new BuildError(`${path}: no package statement`);
  return m[1];
}

function protoMessagesOf(protoText: string): Set<string> {
  return new Set([...protoText.matchAll(/^message\s+(\w+)\s*\{/gm)].map((m) => m[1] ?? ''));
}

/**
 * Encodes one Go field for the runtime: `<proto number><flags>[=<json name>]`.
 * Flags: p = pointer, o = omitempty, i = embedded and inlined into the parent, x = json:"-".
 * The JSON name is written only where it differs from the proto field name.
 */
function encodeField(f: GoField, protoName: string | undefined): string {
  let flags = '';
  if (f.shape === 'pointer') flags += 'p';
  if (f.omit) flags += 'o';
  let json = f.json;
  if (json === '-') flags += 'x';
  else if (f.anon && json === '') flags += 'i';
  else if (json === '') json = f.go;
  const rename = !flags.includes('x') && !flags.includes('i') && json !== protoName ? `=${json}` : '';
  return `${f.num}${flags}${rename}`;
}

function writeIndex(out: string, protos: string, gometa: GoPackage[], srcs: Source[]): { kinds: number; messages: number } {
  const kindTable: Record<string, string> = {};
  const fieldTable: Record<string, string> = {};
  const namedSlices: string[] = [];
  const servedGroupVersions: string[] = [];
  let metaPackage = '';
  const metaKinds = new Set<string>();

  for (const s of srcs) {
    const protoText = readFileSync(join(protos, s.protoPath), 'utf8');
    const pkg = protoPackageOf(protoText, s.protoPath);
    const messages = protoMessagesOf(protoText);
    const goPkg = gometa.find((g) => g.dir === s.goDir);
    if (!goPkg) throw new BuildError(`no Go metadata for ${s.goDir}`);
    const protoFieldNames = protoFieldNamesOf(protoText);

    for (const [name, t] of Object.entries(goPkg.types)) {
      if (!messages.has(name)) continue;
      const full = `${pkg}.${name}`;
      if (t.shape === 'slice') namedSlices.push(full);
      if (t.fields && t.fields.length > 0) {
        fieldTable[full] = t.fields.map((f) => encodeField(f, protoFieldNames.get(`${name}#${f.num}`))).join(',');
      }
    }

    const kinds = Object.entries(goPkg.types)
      .filter(([name, t]) => t.kind && messages.has(name))
      .map(([name]) => name);
    if (s.protoPath === 'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto') {
      metaPackage = pkg;
      for (const k of kinds) metaKinds.add(k);
    }
    if (s.apiPackage === undefined && goPkg.group === null) continue;
    const version = (s.apiPackage ?? s.protoPath.replace(/\/generated\.proto$/, '')).split('/').pop() ?? '';
    const group = goPkg.group ?? '';
    const apiVersion = group ? `${group}/${version}` : version;
    if (s.apiPackage !== undefined) servedGroupVersions.push(apiVersion);
    for (const k of kinds) kindTable[`${apiVersion}/${k}`] = `${pkg}.${k}`;
  }
  if (!metaPackage) throw new BuildError('meta/v1 proto not found');
  for (const gv of servedGroupVersions) {
    for (const k of META_OPTION_KINDS) kindTable[`${gv}/${k}`] ??= `${metaPackage}.${k}`;
  }
  for (const k of META_UNVERSIONED_KINDS) if (metaKinds.has(k)) kindTable[`v1/${k}`] ??= `${metaPackage}.${k}`;

  const imports = srcs.map((s) => {
    const rel = `./${s.protoPath.replace(/\.proto$/, '_pb.js')}`;
    return `import { ${fileExportName(s.protoPath)} } from '${rel}';`;
  });
  const sortObject = (o: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const text = `// Generated by cli/build/protobuf.ts from k8s.io/api@${K8S_API_VERSION} and k8s.io/apimachinery@${APIMACHINERY_VERSION}. Do not edit.
/* eslint-disable */
import { createRegistry, type Registry } from '@bufbuild/protobuf';
${imports.join('\n')}

export const pinnedVersions = { k8sApi: '${K8S_API_VERSION}', apimachinery: '${APIMACHINERY_VERSION}' } as const;

/** Every message of the served groups and the apimachinery types they use. */
export const registry: Registry = createRegistry(
${srcs.map((s) => `  ${fileExportName(s.protoPath)},`).join('\n')}
);

/** \`<apiVersion>/<kind>\` → fully qualified protobuf message name. */
export const kindTable: Readonly<Record<string, string>> = ${JSON.stringify(sortObject(kindTable), null, 2)};

/**
 * Go struct facts per message, one entry per field: \`<number><flags>[=<json name>]\`, flags
 * p = pointer, o = omitempty, i = inlined embedded struct, x = not in JSON.
 */
export const goFieldTable: Readonly<Record<string, string>> = ${JSON.stringify(sortObject(fieldTable), null, 2)};

/** Messages that wrap a Go named slice (\`type Verbs []string\`): JSON is the \`items\` array itself. */
export const namedSliceMessages: ReadonlySet<string> = new Set(${JSON.stringify(namedSlices.sort())});
`;
  writeFileSync(join(out, 'index.ts'), text);
  return { kinds: Object.keys(kindTable).length, messages: Object.keys(fieldTable).length };
}

/** `Message#number` → proto field name, read straight from the .proto text. */
function protoFieldNamesOf(protoText: string): Map<string, string> {
  const names = new Map<string, string>();
  const blocks = protoText.matchAll(/^message\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, message, body] of blocks) {
    for (const m of (body ?? '').matchAll(/^\s*(?:optional|repeated|required)?\s*(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;/gm)) {
      names.set(`${message}#${m[2]}`, m[1] ?? '');
    }
  }
  return names;
}

/** workerd refuses to compile code from strings; fail the build rather than the first request. */
function assertNoCodeGeneration(dir: string): void {
  const offenders = listFiles(dir)
    .filter((f) => /\.(ts|js)$/.test(f))
    .filter((f) => /\beval\s*\(|new\s+Function\s*\(|(?<![\w.$])Function\s*\(/.test(readFileSync(f, 'utf8')));
  if (offenders.length) throw new BuildError(`generated code compiles code at run time: ${offenders.join(', ')}`);
}

function main(): void {
  const started = Date.now();
  const force = process.argv.includes('--force');
  const stamp = expectedStamp();
  if (!force && upToDate(stamp)) {
    log(`up to date (k8s.io/api@${K8S_API_VERSION}, generator ${GENERATOR_VERSION}) in ${relative(repoRoot, outDir)}`);
    return;
  }
  // Go is looked for only when the proto cache is cold: a warm cache builds without it.
  const { protos, gometa, sources: srcs } = prepareCache();

  const work = mkdtempSync(join(tmpdir(), 'flotilla-protobuf-'));
  try {
    log(`generating TypeScript with protoc-gen-es ${stamp.protocGenEs} (buf generate)`);
    runBuf(protos, work);
    const { kinds, messages } = writeIndex(work, protos, gometa, srcs);
    assertNoCodeGeneration(work);
    const installed = installOutput(work, outDir, stampPath, stamp);
    log(`wrote ${installed} files to ${relative(repoRoot, outDir)} (${kinds} kinds, ${messages} messages)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

runBuild('protobuf', main);
