import { arrayAt, recordAt, stringAt, stringMapAt, type JsonObject } from './fields.js';
import { podResourceRequest } from './pod-resource-request.js';
import type { GetReplicasOptions, ReplicaRequirements } from './types.js';

type NodeClaim = NonNullable<ReplicaRequirements['nodeClaim']>;

/** Where one replica may run: the pod spec's node selector, tolerations and required node affinity. */
export function nodeClaimOf(podSpec: JsonObject): NodeClaim | undefined {
  const claim: NodeClaim = {};
  const nodeSelector = stringMapAt(podSpec, 'nodeSelector');
  if (nodeSelector && Object.keys(nodeSelector).length > 0) claim.nodeSelector = nodeSelector;
  const tolerations = arrayAt(podSpec, 'tolerations');
  if (tolerations && tolerations.length > 0) claim.tolerations = tolerations as NodeClaim['tolerations'];
  const hard = recordAt(podSpec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution');
  if (hard) claim.hardNodeAffinity = hard;
  return Object.keys(claim).length > 0 ? claim : undefined;
}

/**
 * What one replica built from this pod spec needs (helper.GenerateReplicaRequirements);
 * undefined when it neither constrains nodes nor requests resources.
 */
export function replicaRequirementsOf(
  podSpec: JsonObject | undefined,
  namespace: string | undefined,
  options: GetReplicasOptions = {},
): ReplicaRequirements | undefined {
  const spec = podSpec ?? {};
  const nodeClaim = nodeClaimOf(spec);
  const resourceRequest = podResourceRequest(spec);
  if (!nodeClaim && !resourceRequest) return undefined;
  const requirements: ReplicaRequirements = {};
  if (nodeClaim) requirements.nodeClaim = nodeClaim;
  if (resourceRequest) requirements.resourceRequest = resourceRequest;
  if (options.resourceQuotaEstimate) {
    if (namespace) requirements.namespace = namespace;
    const priorityClassName = stringAt(spec, 'priorityClassName');
    if (priorityClassName) requirements.priorityClassName = priorityClassName;
  }
  return requirements;
}
