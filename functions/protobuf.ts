/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into the
 * JSON object a Go kube-apiserver would see: kubectl 1.31+ sends built-in kinds this way in
 * `create …`, `create token`, `auth can-i` and `auth whoami`, and never falls back to JSON.
 *
 * The rule is "what Go would do": decode the message into the Go struct, then encoding/json it.
 * That matters because gogo-protobuf writes every non-pointer scalar, zero or not
 * (`metadata.namespace: ""`, `generation: 0` are on the wire), while JSON drops the zero ones
 * tagged `omitempty` and keeps pointer fields that are set to zero (`replicas: 0`). The Go facts
 * per field come from the table that cli/build/protobuf.ts generates next to the descriptors.
 *
 * Decoding interprets descriptors (@bufbuild/protobuf): no code is compiled at run time, which
 * workerd forbids.
 */
import { fromBinary, isFieldSet, ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { goFieldTable, kindTable, namedSliceMessages, registry } from './generated/protobuf/index.js';

export const KUBERNETES_PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** Thrown for any body that cannot be decoded; callers answer it with a 400 Status. */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}

/** True for `application/vnd.kubernetes.protobuf` with or without parameters. */
export function isKubernetesProtobuf(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === KUBERNETES_PROTOBUF_MEDIA_TYPE;
}

/** `k8s\0`: the prefix every protobuf body carries before its runtime.Unknown envelope. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const;

/** Raw bodies in RawExtensions may themselves be protobuf envelopes; bound the nesting. */
const MAX_ENVELOPE_DEPTH = 16;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const DURATION = `${META}.Duration`;
const FIELDS_V1 = `${META}.FieldsV1`;
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const QUANTITY_VALUE = 'k8s.io.apimachinery.pkg.api.resource.QuantityValue';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: metav1.Time writes it as null. */
const GO_ZERO_TIME_SECONDS = -62135596800n;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/**
 * Decodes one protobuf request body into its Kubernetes JSON form, with `kind` and `apiVersion`
 * taken from the envelope. Throws ProtobufDecodeError on anything malformed or unknown.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  return decodeEnvelope(body, 0);
}

function decodeEnvelope(body: Uint8Array, depth: number): JsonObject {
  if (!(body instanceof Uint8Array)) throw new ProtobufDecodeError('protobuf body must be bytes');
  if (depth > MAX_ENVELOPE_DEPTH) throw new ProtobufDecodeError('protobuf objects nested too deeply');
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError('not a Kubernetes protobuf body: it does not start with the "k8s\\x00" prefix');
  }
  const unknown = parse(schema(UNKNOWN), body.subarray(MAGIC.length), 'runtime.Unknown envelope') as Message & {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
    contentEncoding?: string;
  };
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (!apiVersion || !kind) throw new ProtobufDecodeError('protobuf envelope has no apiVersion or kind');
  if (unknown.contentEncoding) {
    throw new ProtobufDecodeError(`protobuf envelope has unsupported contentEncoding "${unknown.contentEncoding}"`);
  }
  const typeName = kindTable[`${apiVersion}/${kind}`];
  if (!typeName) throw new ProtobufDecodeError(`no protobuf message is known for apiVersion "${apiVersion}", kind "${kind}"`);
  const desc = schema(typeName);
  const message = parse(desc, unknown.raw ?? new Uint8Array(0), `${kind} message`);
  const object = messageToJson(desc, message, depth);
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new ProtobufDecodeError(`${kind} does not decode to a JSON object`);
  }
  // TypeMeta is not part of the message; Go's JSON puts it first, kind before apiVersion.
  return { kind, apiVersion, ...object };
}

function schema(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new ProtobufDecodeError(`protobuf message ${typeName} is missing from the generated registry`);
  return desc;
}

function parse(desc: DescMessage, bytes: Uint8Array, what: string): Message {
  try {
    // Unknown fields are dropped, as Go's generated unmarshalers do.
    return fromBinary(desc, bytes, { readUnknownFields: false });
  } catch (e) {
    throw new ProtobufDecodeError(`malformed protobuf ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The Go facts for one struct field; see `goFieldTable` in the generated index. */
interface GoField {
  pointer: boolean;
  omitEmpty: boolean;
  inline: boolean;
  skip: boolean;
  json: string | undefined;
}

const goFieldCache = new Map<string, ReadonlyMap<number, GoField> | undefined>();

function goFieldsOf(typeName: string): ReadonlyMap<number, GoField> | undefined {
  if (goFieldCache.has(typeName)) return goFieldCache.get(typeName);
  const encoded = goFieldTable[typeName];
  let fields: Map<number, GoField> | undefined;
  if (encoded) {
    fields = new Map();
    for (const entry of encoded.split(',')) {
      const m = /^(\d+)([a-z]*)(?:=(.*))?$/.exec(entry);
      if (!m) continue;
      const flags = m[2] ?? '';
      fields.set(Number(m[1]), {
        pointer: flags.includes('p'),
        omitEmpty: flags.includes('o'),
        inline: flags.includes('i'),
        skip: flags.includes('x'),
        json: m[3],
      });
    }
  }
  goFieldCache.set(typeName, fields);
  return fields;
}

type AnyMessage = Message & Record<string, unknown>;

/**
 * Converts a decoded message to JSON. `message` undefined stands for Go's zero value of a
 * non-pointer struct that was absent on the wire.
 */
function messageToJson(desc: DescMessage, message: Message | undefined, depth: number): JsonValue {
  const special = specialToJson(desc, message, depth);
  if (special !== NOT_SPECIAL) return special;
  if (namedSliceMessages.has(desc.typeName)) {
    // A present wrapper is a non-nil slice (possibly empty); an absent one is nil.
    if (!message) return null;
    const items = desc.fields.find((f) => f.name === 'items');
    return items?.fieldKind === 'list' ? listToJson(items, (message as AnyMessage)[items.localName], depth) : [];
  }

  const out: JsonObject = {};
  const go = goFieldsOf(desc.typeName);
  const msg = message as AnyMessage | undefined;
  for (const field of desc.fields) {
    const g = go?.get(field.number);
    if (g?.skip) continue;
    const name = g?.json ?? field.name;
    const set = msg !== undefined && isFieldSet(msg, field);
    const value = set ? msg[field.localName] : undefined;

    switch (field.fieldKind) {
      case 'message': {
        const inner = field.message;
        if (!g) {
          if (set) out[name] = messageToJson(inner, value as Message, depth);
        } else if (g.inline) {
          const embedded = messageToJson(inner, value as Message | undefined, depth);
          if (embedded && typeof embedded === 'object' && !Array.isArray(embedded)) Object.assign(out, embedded);
        } else if (g.pointer) {
          if (set) out[name] = messageToJson(inner, value as Message, depth);
          else if (!g.omitEmpty) out[name] = null;
        } else if (namedSliceMessages.has(inner.typeName)) {
          const list = messageToJson(inner, value as Message | undefined, depth);
          if (g.omitEmpty && (list === null || (Array.isArray(list) && list.length === 0))) continue;
          out[name] = list;
        } else {
          // A non-pointer struct: encoding/json writes it even when empty (omitempty ignores structs).
          out[name] = messageToJson(inner, value as Message | undefined, depth);
        }
        break;
      }
      case 'list':
      case 'map': {
        const converted = field.fieldKind === 'list' ? listToJson(field, value, depth) : mapToJson(field, value, depth);
        const empty = converted === null || (Array.isArray(converted) ? converted.length === 0 : Object.keys(converted).length === 0);
        // Empty repeated and map fields are not on the wire, so Go holds nil: omitted or null.
        if (empty) {
          if (g && !g.omitEmpty) out[name] = null;
        } else {
          out[name] = converted;
        }
        break;
      }
      case 'scalar': {
        if (field.scalar === ScalarType.BYTES) {
          // Go []byte: absent is nil; present (even empty) is non-nil.
          if (!set) {
            if (g && !g.omitEmpty) out[name] = null;
          } else if (!(g?.omitEmpty && (value as Uint8Array).length === 0)) {
            out[name] = base64(value as Uint8Array);
          }
          break;
        }
        if (!g || g.pointer) {
          if (set) out[name] = scalarToJson(field, value);
          else if (g && !g.omitEmpty) out[name] = null;
          break;
        }
        const v = set ? scalarToJson(field, value) : zeroScalar(field.scalar);
        if (g.omitEmpty && (v === 0 || v === '' || v === false)) break;
        out[name] = v;
        break;
      }
      case 'enum': {
        // Kubernetes protos declare no enums; keep the number if one ever appears.
        if (set) out[name] = value as number;
        break;
      }
    }
  }
  return out;
}

function listToJson(field: DescField & { fieldKind: 'list' }, value: unknown, depth: number): JsonValue[] {
  const items = (value ?? []) as unknown[];
  switch (field.listKind) {
    case 'message':
      return items.map((v) => messageToJson(field.message, v as Message, depth));
    case 'scalar':
      return items.map((v) => (field.scalar === ScalarType.BYTES ? base64(v as Uint8Array) : scalarToJson(field, v)));
    default:
      return items.map((v) => v as number);
  }
}

function mapToJson(field: DescField & { fieldKind: 'map' }, value: unknown, depth: number): JsonObject {
  const entries = (value ?? {}) as Record<string, unknown>;
  const out: JsonObject = {};
  // encoding/json writes map keys sorted.
  for (const key of Object.keys(entries).sort()) {
    const v = entries[key];
    switch (field.mapKind) {
      case 'message':
        out[key] = messageToJson(field.message, v as Message, depth);
        break;
      case 'scalar':
        out[key] = field.scalar === ScalarType.BYTES ? base64(v as Uint8Array) : scalarToJson(field, v);
        break;
      default:
        out[key] = v as number;
    }
  }
  return out;
}

function scalarToJson(field: DescField, value: unknown): JsonValue {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ProtobufDecodeError(`field ${field.name} holds ${value}, which JSON cannot carry`);
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) return base64(value);
  return null;
}

function zeroScalar(type: ScalarType): JsonValue {
  switch (type) {
    case ScalarType.STRING:
      return '';
    case ScalarType.BOOL:
      return false;
    default:
      return 0;
  }
}

const NOT_SPECIAL = Symbol('not special');

/** The apimachinery types whose Go JSON form is not their struct's fields. */
function specialToJson(desc: DescMessage, m: Message | undefined, depth: number): JsonValue | typeof NOT_SPECIAL {
  // Looked up by proto field name: protobuf-es may rename properties (FieldsV1's `Raw`, say).
  const get = (protoName: string): unknown => {
    const field = desc.fields.find((f) => f.name === protoName);
    return m && field && isFieldSet(m, field) ? (m as AnyMessage)[field.localName] : undefined;
  };
  switch (desc.typeName) {
    case TIME: {
      // metav1.Time keeps whole seconds only and writes the zero time as null.
      if (get('seconds') === undefined && get('nanos') === undefined) return null;
      const seconds = big(get('seconds'));
      if (seconds === GO_ZERO_TIME_SECONDS) return null;
      return formatTime(seconds, 0n, false);
    }
    case MICRO_TIME: {
      if (get('seconds') === undefined && get('nanos') === undefined) return null;
      const total = big(get('seconds')) * 1_000_000_000n + big(get('nanos'));
      const seconds = floorDiv(total, 1_000_000_000n);
      const nanos = total - seconds * 1_000_000_000n;
      if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0n) return null;
      return formatTime(seconds, nanos, true);
    }
    case DURATION:
      return goDuration(big(get('duration')));
    case QUANTITY:
    case QUANTITY_VALUE: {
      // Senders write the canonical form; the zero Quantity prints as "0".
      const s = get('string');
      return typeof s === 'string' && s !== '' ? s : '0';
    }
    case INT_OR_STRING: {
      const type = big(get('type'));
      if (type === 0n) return Number(big(get('intVal')));
      if (type === 1n) {
        const s = get('strVal');
        return typeof s === 'string' ? s : '';
      }
      throw new ProtobufDecodeError(`IntOrString has impossible type ${type}`);
    }
    case RAW_EXTENSION:
      return rawJson(get('raw') as Uint8Array | undefined, depth, 'RawExtension');
    case FIELDS_V1:
      return rawJson(get('Raw') as Uint8Array | undefined, depth, 'FieldsV1');
    default:
      return NOT_SPECIAL;
  }
}

function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Bytes that hold a JSON document, or a nested protobuf object (RawExtension from protobuf clients). */
function rawJson(raw: Uint8Array | undefined, depth: number, what: string): JsonValue {
  if (!raw || raw.length === 0) return null;
  if (raw.length >= MAGIC.length && MAGIC.every((b, i) => raw[i] === b)) return decodeEnvelope(raw, depth + 1);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ProtobufDecodeError(`${what} holds bytes that are neither JSON nor protobuf`);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ProtobufDecodeError(`${what} holds bytes that are not valid JSON`);
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** RFC 3339 in UTC as Go prints it: `2024-01-02T03:04:05Z`, or with 6 fraction digits for MicroTime. */
function formatTime(seconds: bigint, nanos: bigint, micro: boolean): string {
  const ms = Number(seconds) * 1000;
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) throw new ProtobufDecodeError(`time ${seconds}s is out of range`);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new ProtobufDecodeError(`time ${seconds}s is outside years 0000-9999`);
  const base =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Number(nanos / 1000n), 6)}Z` : `${base}Z`;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1m0s", "1.5ms", "0s". */
export function goDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const u = d < 0n ? -d : d;
  const frac = (v: bigint, digits: number): string => {
    const unit = 10n ** BigInt(digits);
    const f = (v % unit).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${v / unit}${f ? `.${f}` : ''}`;
  };
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${frac(u, 6)}ms`;
  const totalSeconds = u / 1_000_000_000n;
  const seconds = `${frac(u % 60_000_000_000n, 9)}s`;
  const minutes = (totalSeconds / 60n) % 60n;
  const hours = totalSeconds / 3600n;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** Standard base64 with padding, as encoding/json writes []byte. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
