import { z } from 'zod';
import {
  apiVersionField,
  condition,
  int32,
  karmadaDefinition,
  kindField,
  objectMeta,
  quantity,
  registerKind,
  resourceList,
  taint,
} from './common.js';

/** cluster.karmada.io/v1alpha1 Cluster: a member cluster as the control plane knows it. */

export const CLUSTER_GROUP = 'cluster.karmada.io';
export const CLUSTER_VERSION = 'v1alpha1';

export const syncModes = ['Push', 'Pull'] as const;
export type SyncMode = (typeof syncModes)[number];

/** Taints the control plane manages on Cluster objects. */
export const TAINT_CLUSTER_UNSCHEDULABLE = 'cluster.karmada.io/unschedulable';
export const TAINT_CLUSTER_NOT_READY = 'cluster.karmada.io/not-ready';
export const TAINT_CLUSTER_UNREACHABLE = 'cluster.karmada.io/unreachable';

export const CLUSTER_CONDITION_READY = 'Ready';
export const CLUSTER_CONDITION_COMPLETE_API_ENABLEMENTS = 'CompleteAPIEnablements';

/** Cluster names become the suffix of the execution namespace `karmada-es-<name>`, hence the tighter limit. */
export const CLUSTER_NAME_MAX_LENGTH = 48;

/** The resource names a resource model may grade. */
export const resourceModelNames = ['cpu', 'memory', 'storage', 'ephemeral-storage'] as const;

const localSecretReference = (what: string) =>
  z
    .object({
      namespace: z.string().describe('The namespace of the Secret.'),
      name: z.string().describe('The name of the Secret.'),
    })
    .describe(what);

export const resourceModelRange = z.object({
  name: z.string().describe('The resource this range grades: cpu, memory, storage or ephemeral-storage.'),
  min: quantity.describe('The lower bound of the interval, included.'),
  max: quantity.describe('The upper bound of the interval, excluded.'),
});

export const resourceModel = z.object({
  grade: z.int().min(0).describe('The grade of the model; models are ordered by grade.'),
  ranges: z
    .array(resourceModelRange)
    .describe('One interval per resource; a node belongs to this grade when every resource falls in its interval.'),
});
export type ResourceModel = z.infer<typeof resourceModel>;

export const clusterSpec = z.object({
  id: z
    .string()
    .optional()
    .describe('A unique id for the member cluster, recorded at registration (the kube-system namespace uid when nothing better is known).'),
  syncMode: z
    .enum(syncModes)
    .describe('How resources reach the member: Push (the control plane applies them) or Pull (an agent in the member fetches them).'),
  apiEndpoint: z.string().optional().describe("The URL of the member cluster's API server."),
  secretRef: localSecretReference(
    'The Secret holding credentials for the member cluster: key "token" (a bearer token) and key "caBundle" (the CA to trust).',
  ).optional(),
  impersonatorSecretRef: localSecretReference(
    'The Secret holding the token (key "token") used to impersonate users in the member cluster.',
  ).optional(),
  insecureSkipTLSVerification: z
    .boolean()
    .optional()
    .describe("Skip verifying the member API server's certificate. Only for tests."),
  proxyURL: z
    .string()
    .optional()
    .describe('A proxy (http, https or socks5 URL) to reach the member cluster through.'),
  proxyHeader: z
    .record(z.string(), z.string())
    .optional()
    .describe('Headers sent to the proxy; several values for one header are separated by commas.'),
  provider: z.string().optional().describe('The cloud provider of the member cluster.'),
  region: z.string().optional().describe('The region the member cluster runs in.'),
  zone: z
    .string()
    .optional()
    .describe('Deprecated: use zones. The single zone the member cluster runs in; moved into zones on write.'),
  zones: z
    .array(z.string())
    .optional()
    .describe('The failure zones the member cluster spans.'),
  taints: z
    .array(taint)
    .optional()
    .describe('Taints on the cluster; workloads whose policies do not tolerate them are kept away.'),
  resourceModels: z
    .array(resourceModel)
    .optional()
    .describe('Grades of node sizes used to estimate how many replicas fit; filled with a default model when empty.'),
});
export type ClusterSpec = z.infer<typeof clusterSpec>;

export const clusterStatus = z.object({
  kubernetesVersion: z.string().optional().describe('The Kubernetes version the member cluster reports.'),
  apiEnablements: z
    .array(
      z.object({
        groupVersion: z.string().describe('The group/version served.'),
        resources: z
          .array(
            z.object({
              name: z.string().describe('The plural resource name.'),
              kind: z.string().describe('The kind of the resource.'),
            }),
          )
          .optional()
          .describe('The resources served in the group/version.'),
      }),
    )
    .optional()
    .describe('The API resources the member cluster serves.'),
  conditions: z.array(condition).optional().describe('The observations of the cluster (Ready, CompleteAPIEnablements).'),
  nodeSummary: z
    .object({
      totalNum: int32().optional().describe('How many nodes the member cluster has.'),
      readyNum: int32().optional().describe('How many of them are ready.'),
    })
    .optional()
    .describe('Node counts of the member cluster.'),
  resourceSummary: z
    .object({
      allocatable: resourceList.optional().describe('Resources the member cluster can give to workloads.'),
      allocating: resourceList.optional().describe('Resources requested by pods not yet scheduled.'),
      allocated: resourceList.optional().describe('Resources requested by scheduled pods.'),
      allocatableModelings: z
        .array(
          z.object({
            grade: z.int().min(0).describe('The resource model grade.'),
            count: z.int().describe('How many nodes fall in that grade.'),
          }),
        )
        .optional()
        .describe('Node counts per resource model grade.'),
    })
    .optional()
    .describe('Resource totals of the member cluster.'),
  remedyActions: z
    .array(z.string())
    .optional()
    .describe('Actions Remedy policies currently ask for on this cluster (e.g. TrafficControl).'),
});

export const cluster = registerKind(
  z
    .object({
      apiVersion: apiVersionField,
      kind: kindField,
      metadata: objectMeta,
      spec: clusterSpec.describe('The desired state of the member cluster.'),
      status: clusterStatus.optional().describe('The most recently observed state of the member cluster.'),
    })
    .describe('Cluster represents a member cluster managed by the control plane.'),
  karmadaDefinition('cluster', CLUSTER_VERSION, 'Cluster'),
);
export type Cluster = z.infer<typeof cluster>;

export const MAX_INT64 = '9223372036854775807';

/**
 * The model a Cluster gets when it declares none: nine grades of CPU and memory, each
 * doubling the last, the top grade open-ended.
 */
export function defaultResourceModels(): ResourceModel[] {
  const cpu = [0, 1, 2, 4, 8, 16, 32, 64, 128];
  const memoryGi = [0, 4, 16, 32, 64, 128, 256, 512, 1024];
  const memory = (gi: number): string => (gi === 0 ? '0' : `${gi}Gi`);
  return cpu.map((low, grade) => {
    const last = grade === cpu.length - 1;
    return {
      grade,
      ranges: [
        { name: 'cpu', min: String(low), max: last ? MAX_INT64 : String(cpu[grade + 1]) },
        { name: 'memory', min: memory(memoryGi[grade]!), max: last ? MAX_INT64 : memory(memoryGi[grade + 1]!) },
      ],
    };
  });
}
