import { errors, type StatusCause } from './status.js';

/** Upstream's limit on the data of one Secret (and ConfigMap). */
export const MAX_SECRET_DATA_BYTES = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function utf8Base64(text: string): string {
  let s = '';
  for (const b of new TextEncoder().encode(text)) s += String.fromCharCode(b);
  return btoa(s);
}

function decodedLength(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}

/**
 * What the Secret kind's conversion and validation do before a write: `stringData` is merged
 * into `data` (base64) and never stored, `type` defaults to Opaque, `data` values must be
 * base64, keys valid config keys. Errors name keys and sizes, never values: a Secret's
 * values must not appear in any message.
 */
export function normalizeSecret(obj: Record<string, unknown>, name: string): void {
  const data = obj.data;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw errors.badRequest('Secret in version "v1" cannot be handled as a Secret: data must be an object of base64 strings');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((data as Record<string, unknown> | null | undefined) ?? {})) {
    if (typeof v !== 'string' || !BASE64.test(v)) {
      throw errors.badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data in key ${JSON.stringify(k)}`);
    }
    out[k] = v;
  }
  const stringData = obj.stringData;
  if (stringData !== undefined && stringData !== null) {
    if (typeof stringData !== 'object' || Array.isArray(stringData)) {
      throw errors.badRequest('Secret in version "v1" cannot be handled as a Secret: stringData must be an object of strings');
    }
    for (const [k, v] of Object.entries(stringData as Record<string, unknown>)) {
      if (typeof v !== 'string') {
        throw errors.badRequest(`Secret in version "v1" cannot be handled as a Secret: stringData key ${JSON.stringify(k)} must be a string`);
      }
      out[k] = utf8Base64(v);
    }
  }
  delete obj.stringData;
  if (Object.keys(out).length || data !== undefined) obj.data = out;
  if (obj.type === undefined || obj.type === '') obj.type = 'Opaque';
  const causes: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(out)) {
    total += decodedLength(v);
    if (!CONFIG_KEY.test(k) || k.length > 253 || k === '.' || k === '..') {
      causes.push({
        type: 'FieldValueInvalid',
        field: `data[${k}]`,
        message: `Invalid value: ${JSON.stringify(k)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    }
  }
  if (total > MAX_SECRET_DATA_BYTES) {
    causes.push({ type: 'FieldValueTooLong', field: 'data', message: `Too long: must have at most ${MAX_SECRET_DATA_BYTES} bytes` });
  }
  if (causes.length) throw errors.invalid({ group: '', resource: 'secrets', kind: 'Secret', name }, causes);
}

