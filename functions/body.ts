import { parse as parseYaml } from 'yaml';
import { withoutInputExcerpt } from '../shared/redact.js';
import { ApiError, errors } from '../shared/status.js';
import { rememberBodySource } from './body-source.js';
import { decodeProtobufBody } from './protobuf-body.js';

/** kube-apiserver's default request body limit. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return errors.tooLarge(`Request entity too large: limit is ${limit}`);
}

/**
 * Reads the body, refusing more than `limit` bytes both by Content-Length and by what
 * actually arrives (a chunked upload has no Content-Length).
 */
export async function readBody(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/** The bare media type of a Content-Type header, lower-cased; empty means JSON, as upstream. */
export function mediaTypeOf(contentType: string | null | undefined): string {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t || 'application/json';
}

function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    // The text is kept beside the value: only it shows duplicate keys (fieldValidation).
    return rememberBodySource(JSON.parse(text), text, 'json');
  } catch (e) {
    throw errors.badRequest(`error decoding request body: ${withoutInputExcerpt((e as Error).message)}`);
  }
}

function decodeYaml(bytes: Uint8Array): unknown {
  try {
    // Duplicate keys are fieldValidation's to judge (Ignore keeps the last), not a parse error.
    const text = new TextDecoder().decode(bytes);
    return rememberBodySource(parseYaml(text, { uniqueKeys: false }), text, 'yaml');
  } catch (e) {
    throw errors.badRequest(`error converting YAML to JSON: ${withoutInputExcerpt((e as Error).message)}`);
  }
}

/** An object body (create, update) in JSON, YAML or Kubernetes protobuf. */
export async function decodeObjectBody(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<Record<string, unknown>> {
  const type = mediaTypeOf(req.headers.get('content-type'));
  const bytes = await readBody(req, limit);
  let value: unknown;
  if (type === 'application/json') value = parseJson(bytes);
  else if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') value = decodeYaml(bytes);
  else if (type === 'application/vnd.kubernetes.protobuf') value = await decodeProtobufBody(bytes);
  else {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badRequest('the object provided is unrecognized (must be a JSON object)');
  }
  return value as Record<string, unknown>;
}

export type PatchType = 'json' | 'merge' | 'strategic';

/** Patch media types, in the order kube-apiserver lists them in its 415 for built-in kinds. */
const PATCH_MEDIA_TYPES = new Map<string, PatchType>([
  ['application/json-patch+json', 'json'],
  ['application/merge-patch+json', 'merge'],
  ['application/strategic-merge-patch+json', 'strategic'],
]);

/**
 * A PATCH body by its media type. Whether a strategic merge patch suits the kind (custom
 * resources answer 415) is the handler's call: it knows the kind.
 */
export async function decodePatchBody(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<{ type: PatchType; patch: unknown }> {
  const media = mediaTypeOf(req.headers.get('content-type'));
  const type = PATCH_MEDIA_TYPES.get(media);
  if (!type) {
    const accepted = [...PATCH_MEDIA_TYPES.keys()].join(', ');
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  }
  const patch = parseJson(await readBody(req, limit));
  return { type, patch };
}

/** An optional JSON body (DELETE carries DeleteOptions in it); empty is undefined. */
export async function decodeOptionalJson(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<unknown> {
  const bytes = await readBody(req, limit);
  if (bytes.byteLength === 0) return undefined;
  const type = mediaTypeOf(req.headers.get('content-type'));
  if (type === 'application/yaml') return decodeYaml(bytes);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufBody(bytes);
  return parseJson(bytes);
}
