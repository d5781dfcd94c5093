// The API port: `--port P` (default 6443, the port Karmada's API server uses), 0 for any
// free one. Internal listeners (the libSQL server) always take a free port at each start,
// so two control planes on one machine never collide on them.

import { createServer } from 'node:net';

export const DEFAULT_API_PORT = 6443;
export const LOOPBACK = '127.0.0.1';

/** Parses a `--port` value; undefined when it is not a port number. */
export function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65535 ? port : undefined;
}

/**
 * Fails with a clear message when `port` cannot be listened on. workerd reports a taken port
 * only as a generic startup failure, so we look first. (Another process can still take the
 * port in between; then Miniflare's own error is reported.)
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} on ${host} is already in use: stop what listens there, or pass --port 0 for a free port`));
      } else if (err.code === 'EACCES') {
        reject(new Error(`not allowed to listen on port ${port}: pick a port above 1023, or --port 0`));
      } else {
        reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`));
      }
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
