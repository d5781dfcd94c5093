// A local libSQL server speaking Hrana v2 over HTTP, backed by native libsql. The control
// plane in workerd reaches it with the stock `@libsql/client/web`, exactly as it would reach
// sqld or Turso.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HranaError, ProtocolError, RequestError, toProtoError } from './errors.js';
import {
  parsePipelineRequest,
  serializeResponse,
  type EncodeState,
  type PipelineRequest,
  type PipelineResponse,
  type StreamResult,
} from './hrana.js';
import { ConnectionPool } from './pool.js';
import { StreamRegistry } from './stream-registry.js';
import { WriteLock } from './write-lock.js';

export interface LibsqlServerOptions {
  /** Database file; created if missing. */
  file: string;
  /** Interface to listen on; 127.0.0.1 unless given. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, every Hrana request must carry `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** How long a stream (an interactive transaction) may sit idle before it is rolled back and closed. */
  batonTtlMs?: number;
  /** How long a statement may queue for the write lock before failing with SQLITE_BUSY. */
  writeLockTimeoutMs?: number;
}

export interface LibsqlServer {
  /** Base URL for `createClient({ url })`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Stops listening, rolls back open transactions and closes every connection. */
  close(): Promise<void>;
}

const DEFAULT_BATON_TTL_MS = 10_000;
const DEFAULT_WRITE_LOCK_TIMEOUT_MS = 30_000;
/** Only guards against other processes using the same file; see WriteLock for our own. */
const BUSY_TIMEOUT_MS = 5_000;
/** Enough for the usual concurrency to reuse connections; past it, extra ones are closed. */
const MAX_IDLE_CONNECTIONS = 32;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** How long close() lets running requests finish before cutting their connections. */
const SHUTDOWN_GRACE_MS = 1_000;

export async function startLibsqlServer(opts: LibsqlServerOptions): Promise<LibsqlServer> {
  const host = opts.host ?? '127.0.0.1';
  const pool = new ConnectionPool(opts.file, { busyTimeoutMs: BUSY_TIMEOUT_MS }, MAX_IDLE_CONNECTIONS);
  // Open one connection before listening: a bad path fails here rather than on the first
  // request, and the file is in WAL mode before any client connects.
  try {
    pool.release(await pool.acquire());
  } catch (err) {
    throw new Error(`Cannot open the database file ${opts.file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  const lock = new WriteLock();
  const registry = new StreamRegistry(
    { pool, lock, lockTimeoutMs: opts.writeLockTimeoutMs ?? DEFAULT_WRITE_LOCK_TIMEOUT_MS },
    opts.batonTtlMs ?? DEFAULT_BATON_TTL_MS,
  );
  const checkAuth = authChecker(opts.authToken);
  const inflight = new Set<Promise<void>>();

  async function runPipeline(body: PipelineRequest, state: EncodeState): Promise<PipelineResponse> {
    const stream = body.baton === null ? registry.open() : registry.take(body.baton);
    const results: StreamResult[] = [];
    for (const req of body.requests) {
      if (req instanceof ProtocolError) {
        results.push({ type: 'error', error: toProtoError(req) });
        continue;
      }
      try {
        results.push({ type: 'ok', response: await stream.handle(req, state) });
      } catch (err) {
        results.push({ type: 'error', error: toProtoError(err) });
      }
    }
    let baton: string | null = null;
    if (stream.closed) registry.forget(stream);
    else baton = registry.park(stream);
    return { baton, base_url: null, results };
  }

  async function handlePipeline(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let parsed: PipelineRequest;
    try {
      parsed = parsePipelineRequest(JSON.parse(raw));
    } catch (err) {
      if (err instanceof SyntaxError) throw new RequestError(`The body is not JSON: ${err.message}`, 'HRANA_PROTO_ERROR', 400);
      if (err instanceof HranaError) throw new RequestError(err.message, err.code, 400);
      throw err;
    }
    const state: EncodeState = { sawInfinity: false };
    const resp = await runPipeline(parsed, state);
    send(res, 200, 'application/json', serializeResponse(resp, state));
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, 200, 'text/plain', 'ok');
      return;
    }
    if (!checkAuth(req.headers.authorization)) {
      // Plain text, so @libsql/client raises its HTTP-status error (code SERVER_ERROR,
      // "HTTP status 401" in the message) rather than a SQL error.
      send(res, 401, 'text/plain', 'Unauthorized: a valid bearer token is required');
      return;
    }
    if (path === '/v2' && req.method === 'GET') {
      send(res, 200, 'text/plain', 'Hrana v2 over HTTP');
      return;
    }
    if (path === '/v2/pipeline') {
      if (req.method !== 'POST') {
        send(res, 405, 'text/plain', 'Use POST');
        return;
      }
      const p = handlePipeline(req, res).catch((err: unknown) => {
        if (err instanceof RequestError) {
          send(res, err.status, 'application/json', JSON.stringify({ message: err.message, code: err.code }));
        } else {
          send(res, 500, 'text/plain', err instanceof Error ? err.message : String(err));
        }
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      return;
    }
    // Anything else, including /v3 and /v3-protobuf: clients that probe for Hrana v3 fall back to v2.
    send(res, 404, 'text/plain', 'Not found');
  });

  // Clients keep their connections between statements (a round trip costs no handshake);
  // Node's 5 s default closes idle ones so early that a client reusing one races the close
  // and sees ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    pool.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests queued for the write lock fail now rather than wait out their timeout; the
        // rest get a short grace period to answer before their sockets are cut.
        lock.close(new HranaError('The database server is shutting down', 'SERVER_SHUTDOWN'));
        const settled = Promise.allSettled([...inflight]);
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([settled, new Promise<void>((resolve) => (grace = setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
        clearTimeout(grace);
        server.closeAllConnections();
        await settled;
        await registry.closeAll();
        pool.close();
        await stopped;
      })();
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestError(`The body exceeds ${MAX_BODY_BYTES} bytes`, 'HRANA_PROTO_ERROR', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that hangs up mid-body emits neither 'end' nor always 'error'.
    req.on('close', () => {
      if (!req.complete) reject(new RequestError('The request was aborted', 'HRANA_PROTO_ERROR', 400));
    });
  });
}

/** A constant-time bearer-token check; digests make the compared lengths equal. */
function authChecker(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) => header !== undefined && timingSafeEqual(createHash('sha256').update(header).digest(), expected);
}
