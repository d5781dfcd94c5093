import type { KubeObject } from '../object.js';
import { parseQuantity } from '../quantity.js';

interface Container {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** Whether a pod no longer holds its resources (kube-scheduler counts neither). */
export function isTerminalPod(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function requestsOf(c: Container): Record<string, number> {
  // A limit without a request defaults the request, as the API server does.
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) })) out[k] = parseQuantity(v) ?? 0;
  return out;
}

/**
 * What a pod requests, as the scheduler counts it: the sum of its containers, or the largest
 * init container where that is more, plus overhead.
 */
export function podRequests(pod: KubeObject): Record<string, number> {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[]; overhead?: Record<string, string> };
  const sum: Record<string, number> = {};
  for (const c of spec.containers ?? []) for (const [k, v] of Object.entries(requestsOf(c))) sum[k] = (sum[k] ?? 0) + v;
  for (const c of spec.initContainers ?? []) for (const [k, v] of Object.entries(requestsOf(c))) sum[k] = Math.max(sum[k] ?? 0, v);
  for (const [k, v] of Object.entries(spec.overhead ?? {})) sum[k] = (sum[k] ?? 0) + (parseQuantity(v) ?? 0);
  return sum;
}
