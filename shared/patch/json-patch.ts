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
    return fastJsonPatch.applyPatch(structuredClone(target), patch as Operation[], true, true, true).newDocument;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
}
