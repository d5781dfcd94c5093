import type { Context } from 'hono';
import { ApiError, isApiError, type Status } from '../shared/status.js';

/** Serialises a Status the way kube-apiserver does: JSON, with the code as the HTTP status. */
export function statusResponse(status: Status): Response {
  return new Response(JSON.stringify(status), {
    status: status.code,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' },
  });
}

/** Hono's onError: every failure leaves as a Status; anything unexpected is a 500 InternalError. */
export function errorToResponse(err: unknown, _c?: Context): Response {
  if (isApiError(err)) return statusResponse(err.status);
  const message = err instanceof Error ? err.message : String(err);
  const internal = new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  return statusResponse(internal.status);
}

/** The 404 kube-apiserver gives for a path it does not serve. */
export function notFoundResponse(): Response {
  return statusResponse(new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}).status);
}
