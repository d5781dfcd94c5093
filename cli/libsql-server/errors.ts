// Errors the server reports, and how any thrown value becomes a Hrana error object.

import type { ProtoError } from './hrana.js';

/** An error with a Hrana error code, reported to the client as `{ message, code }`. */
export class HranaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'HranaError';
  }
}

/** The client sent something that is not valid Hrana. */
export class ProtocolError extends HranaError {
  constructor(message: string) {
    super(message, 'HRANA_PROTO_ERROR');
    this.name = 'ProtocolError';
  }
}

/**
 * A failure that concerns the whole HTTP request rather than one stream request (bad baton,
 * malformed body): answered with an HTTP error status.
 */
export class RequestError extends HranaError {
  constructor(
    message: string,
    code: string,
    readonly status: number,
  ) {
    super(message, code);
    this.name = 'RequestError';
  }
}

/**
 * Converts anything thrown while running a request into Hrana's error shape. Native libsql
 * throws a SqliteError whose `code` is SQLite's extended code name (SQLITE_CONSTRAINT_UNIQUE,
 * SQLITE_CONSTRAINT_CHECK, ...); it is passed through unchanged so callers can tell
 * constraint kinds apart.
 */
export function toProtoError(err: unknown): ProtoError {
  if (err instanceof HranaError) return { message: err.message, code: err.code };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return { message: err.message, code };
    return { message: err.message, code: 'INTERNAL_ERROR' };
  }
  return { message: String(err), code: 'INTERNAL_ERROR' };
}
