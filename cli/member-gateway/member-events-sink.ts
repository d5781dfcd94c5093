// Where the member watches' events go under `flotilla up`: a POST to the worker's
// member-events route over the same HTTPS port kubectl uses, trusting the local CA and
// carrying the admin token (the route accepts nothing else).

import { Agent, request } from 'node:https';
import { MEMBER_EVENTS_PATH, type MemberEvents } from '../../shared/member/member-events.js';
import type { MemberEventsSink } from './member-watches.js';

export interface WorkerEndpoint {
  /** `https://127.0.0.1:<port>` */
  url: string;
  caCertPem: string;
  token: string;
  timeoutMs?: number;
}

export interface ClosableSink {
  sink: MemberEventsSink;
  close(): void;
}

export function workerEventsSink(target: WorkerEndpoint): ClosableSink {
  const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: target.caCertPem });
  const url = new URL(MEMBER_EVENTS_PATH, target.url);
  const sink: MemberEventsSink = (events: MemberEvents) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(events);
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          timeout: target.timeoutMs ?? 10_000,
          headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 202) resolve();
            else reject(new Error(`the worker answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return { sink, close: () => agent.destroy() };
}
