import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiError, errors } from '../status.js';

/** kube-apiserver refuses JSON patches longer than this (413). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * RFC 6902 JSON patch with kube-apiserver's error mapping: a body that is not an array of
 * operations is 400, too many operations 413, and any failure while applying (a failed
 * `test`, a missing path, an unknown op) 422 with upstream's generic message.
 */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errors.tooLarge(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  try {
    let doc: unknown = structuredClone(target);
    for (const op of patch as Operation[]) {
      // `from` must name a value the document holds itself: `/constructor` would otherwise copy an
      // inherited function into the object (upstream answers that path as missing).
      if ((op?.op === 'move' || op?.op === 'copy') && !holdsOwn(doc, (op as { from?: unknown }).from)) throw new Error('missing from path');
      doc = fastJsonPatch.applyOperation(doc, op, true, true, true).newDocument;
    }
    return doc;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
}

/** Whether every step of an RFC 6901 pointer is an own property (or array index) of the document. */
function holdsOwn(doc: unknown, pointer: unknown): boolean {
  if (typeof pointer !== 'string') return false;
  if (pointer === '') return true;
  if (!pointer.startsWith('/')) return false;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
