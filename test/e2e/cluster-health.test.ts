// S31: a Push member that stops answering turns Ready=False (ClusterNotReachable) and gets
// the not-ready NoSchedule taint; when it answers again the taint goes. The member sits
// behind a TCP relay in this test, so "stopping its API server" is closing the relay — the
// same on simulated and real members. Failover stays off here: nothing moves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}
  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server!.address() as AddressInfo).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}

interface Cluster {
  spec: { taints?: Array<{ key: string; effect: string }> };
  status?: { conditions?: Array<{ type: string; status: string; reason: string }> };
}

describe(`cluster health on ${memberLane()} members`, () => {
  let k: KarmadaPlane;
  let relay: Relay;

  beforeAll(async () => {
    k = await startKarmadaPlane({ members: 1 });
    const config = parse(readFileSync(join(k.cp.dataDir, 'members.config'), 'utf8')) as {
      clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
      users: Array<{ name: string; user: { token: string } }>;
    };
    const member = config.clusters[0]!;
    relay = new Relay(Number(new URL(member.cluster.server).port));
    await relay.open();
    const manifest = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flaky', namespace: 'karmada-cluster' }, data: { token: Buffer.from(config.users[0]!.user.token).toString('base64'), caBundle: member.cluster['certificate-authority-data'] } },
      { apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name: 'flaky' }, spec: { syncMode: 'Push', apiEndpoint: `https://127.0.0.1:${relay.port}`, secretRef: { namespace: 'karmada-cluster', name: 'flaky' } } },
    ];
    await kubectlOk(k.cp, ['apply', '-f', '-'], { input: manifest.map((m) => JSON.stringify(m)).join('\n') });
  });
  afterAll(async () => {
    await relay?.close();
    await k?.stop();
  });

  const cluster = async (): Promise<Cluster> => json<Cluster>(await k.cp.kubectl(['get', 'cluster', 'flaky', '-o', 'json']));
  const ready = (c: Cluster) => c.status?.conditions?.find((x) => x.type === 'Ready');
  const taintKeys = (c: Cluster) => (c.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`);

  it('S31 a joined cluster turns Ready and loses the not-ready taint it started with', async () => {
    const c = await eventually('flaky Ready', async () => {
      const c = await cluster();
      return ready(c)?.status === 'True' && taintKeys(c).length === 0 ? c : undefined;
    });
    expect(ready(c)?.reason).toBe('ClusterReady');
  });

  it('S31 a member that stops answering is Ready=False ClusterNotReachable with the not-ready taint, and recovers', async () => {
    await relay.close();
    const down = await eventually('flaky not reachable', async () => {
      const c = await cluster();
      return ready(c)?.status === 'False' ? c : undefined;
    }, 30_000);
    expect(ready(down)?.reason).toBe('ClusterNotReachable');
    await eventually('not-ready taint', async () => (taintKeys(await cluster()).includes('cluster.karmada.io/not-ready:NoSchedule') ? true : undefined), 15_000);
    expect(await kubectlOk(k.cp, ['get', 'cluster', 'flaky'])).toMatch(/flaky\s+\S+\s+Push\s+False/);
    await relay.open();
    const up = await eventually('flaky Ready again', async () => {
      const c = await cluster();
      return ready(c)?.status === 'True' && taintKeys(c).length === 0 ? c : undefined;
    }, 30_000);
    expect(ready(up)?.reason).toBe('ClusterReady');
  });
});
