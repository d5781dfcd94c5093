// The simulated kubelet, one for every node of the member: it moves each bound pod through
// ContainerCreating, Running and (for a Job's pods) Succeeded, on the configured delays, with
// addresses from its node's pod range. Nothing is started.

import type { Store } from '../../db/store.js';
import type { Reconciler } from '../reconciler.js';
import type { KubeObject } from '../../shared/object.js';
import { cidrPrefix, pickAddress } from '../../shared/simulator/addresses.js';
import { controllerRef, isTerminal, podSpec } from '../../shared/simulator/pod.js';
import { nextKubeletStep, runningStatus, startingStatus, succeededStatus } from '../../shared/simulator/pod-status.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { isResource, keyOf, namespacedName, splitNamespacedName, writeStatus } from '../object-writes.js';
import { NODES, PODS } from './resources.js';

function internalIP(node: KubeObject | undefined): string {
  const addresses = ((node?.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ?? []);
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
}

/** A Job's pods do their work and end; everything else runs until deleted. */
function runsToCompletion(pod: KubeObject): boolean {
  return controllerRef(pod)?.kind === 'Job';
}

export function createKubelet(settings: SimulatorSettings): Reconciler {
  return {
    name: 'kubelet',

    keysFor(change) {
      if (!isResource(change.key, PODS) || change.type === 'DELETED') return [];
      const pod = change.object;
      return podSpec(pod).nodeName && !isTerminal(pod) && !pod.metadata.deletionTimestamp ? [namespacedName(pod)] : [];
    },

    async reconcile(ctx, key) {
      const { namespace, name } = splitNamespacedName(key);
      const pod = await ctx.store.get(keyOf(PODS, namespace, name));
      if (!pod) return;
      const now = ctx.now();
      const toCompletion = runsToCompletion(pod);
      const step = nextKubeletStep(pod, now, settings, toCompletion);
      if (step.action === 'none') return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
      if (step.action === 'complete') {
        await writeStatus(ctx, PODS, pod, succeededStatus(pod, now));
        return;
      }
      const nodeName = podSpec(pod).nodeName!;
      const node = await ctx.store.get(keyOf(NODES, '', nodeName));
      const hostIP = internalIP(node);
      if (step.action === 'start') {
        await writeStatus(ctx, PODS, pod, startingStatus(pod, hostIP, now));
        return { requeueAfterMs: settings.podStartDelayMs };
      }
      const podIP = await allocatePodIP(ctx.store, pod, node);
      await writeStatus(ctx, PODS, pod, runningStatus(pod, hostIP, podIP, now));
      return toCompletion ? { requeueAfterMs: settings.jobDurationMs } : undefined;
    },
  };
}

/** The first free address of the node's pod range, searched from a point the pod's uid picks. */
async function allocatePodIP(store: Store, pod: KubeObject, node: KubeObject | undefined): Promise<string> {
  const cidr = (node?.spec as { podCIDR?: string } | undefined)?.podCIDR ?? '10.0.0.0/24';
  const onNode = await store.list({ ...PODS }, { fieldSelector: `spec.nodeName=${podSpec(pod).nodeName}` });
  const taken = new Set(onNode.items.filter((p) => !isTerminal(p)).map((p) => (p.status as { podIP?: string } | undefined)?.podIP ?? ''));
  return pickAddress(cidrPrefix(cidr), taken, pod.metadata.uid ?? pod.metadata.name ?? '') ?? `${cidrPrefix(cidr)}.254`;
}
