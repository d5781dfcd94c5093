// Waits until the API answers 200 on /readyz, over TLS verified against our own CA: proof
// that the worker runs, the certificate is right and the worker reached the database.

import { request } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';

export interface ReadinessOptions {
  url: string;
  ca: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpsResult {
  status: number;
  body: string;
}

/** One GET with the CA trusted; rejects on connection errors and after `timeoutMs`. */
export function httpsGet(url: string, ca: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls until 200, backing off from 25 ms to 500 ms between attempts; rejects at the deadline
 * with the last answer or error, so a failing start says why.
 */
export async function waitForReady({ url, ca, timeoutMs, signal }: ReadinessOptions): Promise<{ attempts: number }> {
  const deadline = Date.now() + timeoutMs;
  let pause = 25;
  let last = 'no attempt';
  for (let attempts = 1; ; attempts++) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    try {
      const res = await httpsGet(url, ca, Math.max(100, Math.min(5_000, remaining)));
      if (res.status === 200) return { attempts };
      last = `HTTP ${res.status}${res.body ? `: ${res.body.trim().slice(0, 300)}` : ''}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() + pause > deadline) {
      throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    }
    await delay(pause, undefined, signal ? { signal } : undefined);
    pause = Math.min(500, pause * 2);
  }
}
