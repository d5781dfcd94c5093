// The fake Nodes of a simulated member, in the spirit of kwok: real Node objects with
// capacity, addresses and a Ready condition, and no kubelet behind them. They register once
// when the member starts (as kubelets do at boot) and post no heartbeats, so an idle member
// writes nothing.

import { z } from 'zod';
import type { KubeObject } from '../object.js';
import { parseQuantity } from '../quantity.js';
import { rfc3339 } from '../time.js';
import { nodeAddress, podCidr } from './addresses.js';

const quantity = z.string().refine((q) => parseQuantity(q) !== undefined, { message: 'must be a quantity such as 4, 500m or 8Gi' });

/** How many nodes a member has and what each offers: together, the member's capacity. */
export const nodeShapeSchema = z.object({
  count: z.number().int().min(0).max(1000).default(2),
  cpu: quantity.default('4'),
  memory: quantity.default('8Gi'),
  pods: quantity.default('110'),
});
export type NodeShape = z.infer<typeof nodeShapeSchema>;

/** Marks nodes the simulator registered, so it never touches a Node someone else created. */
export const SIMULATED_NODE_ANNOTATION = 'simulator.flotilla.dev/node';
export const KUBELET_VERSION = 'v1.33.4';

export function nodeName(member: string, ordinal: number): string {
  return `${member}-node-${ordinal + 1}`;
}

/** The node's ordinal from its name, for its addresses; undefined for a name we did not make. */
export function nodeOrdinal(member: string, name: string): number | undefined {
  const m = new RegExp(`^${member.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-node-(\\d+)$`).exec(name);
  return m ? Number(m[1]) - 1 : undefined;
}

export interface NodeContext {
  member: string;
  memberIndex: number;
  region?: string;
  zone?: string;
  now: number;
}

/** The Nodes a member registers: `shape.count` of them, named <member>-node-1, -2, … */
export function desiredNodes(shape: NodeShape, ctx: NodeContext): KubeObject[] {
  return Array.from({ length: shape.count }, (_, i) => simulatedNode(shape, ctx, i));
}

export function simulatedNode(shape: NodeShape, ctx: NodeContext, ordinal: number): KubeObject {
  const name = nodeName(ctx.member, ordinal);
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods, 'ephemeral-storage': '100Gi' };
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'node.kubernetes.io/instance-type': 'simulated',
    type: 'simulated',
  };
  if (ctx.region) labels['topology.kubernetes.io/region'] = ctx.region;
  if (ctx.zone ?? ctx.region) labels['topology.kubernetes.io/zone'] = ctx.zone ?? `${ctx.region}-a`;
  const at = rfc3339(ctx.now);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: { [SIMULATED_NODE_ANNOTATION]: 'true', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: podCidr(ctx.memberIndex, ordinal), podCIDRs: [podCidr(ctx.memberIndex, ordinal)] },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', at),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', at),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', at),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', at),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeAddress(ctx.memberIndex, ordinal) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Flotilla simulated node (nothing runs)',
        kernelVersion: 'simulated',
        containerRuntimeVersion: 'simulated://1.0.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        machineID: name,
        systemUUID: name,
        bootID: name,
      },
    },
  };
}

function condition(type: string, status: string, reason: string, message: string, at: string): Record<string, string> {
  return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at };
}

/**
 * What registration changes on a node that already exists: capacity and allocatable follow
 * the configured shape; labels, taints and cordoning are the user's and are kept. Undefined
 * when nothing needs writing.
 */
export function reconcileRegisteredNode(existing: KubeObject, desired: KubeObject): KubeObject | undefined {
  const status = (existing.status ?? {}) as Record<string, unknown>;
  const want = desired.status as Record<string, unknown>;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (same(status.capacity, want.capacity) && same(status.allocatable, want.allocatable)) return undefined;
  return { ...existing, status: { ...status, capacity: want.capacity, allocatable: want.allocatable } };
}
