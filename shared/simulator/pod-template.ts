// A Pod made from a workload's pod template, with what kube-apiserver's defaulting would add,
// so `kubectl get pod -o yaml` on a member looks like it does on a real cluster.

import type { KubeObject, OwnerReference } from '../object.js';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> | null; annotations?: Record<string, string> | null; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

export interface PodFromTemplateOptions {
  namespace: string;
  name: string;
  owner: OwnerReference;
  /** Added to the template's labels (pod-template-hash, controller-revision-hash, job-name…). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Set for pods their controller places itself (DaemonSet pods). */
  nodeName?: string;
  /** Merged over the template's spec (a StatefulSet pod's hostname and claim volumes). */
  spec?: Record<string, unknown>;
}

function imagePullPolicy(image: unknown): string {
  const ref = typeof image === 'string' ? image : '';
  const tag = ref.includes('@') ? 'digest' : /:[^/]+$/.test(ref) ? ref.slice(ref.lastIndexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): unknown {
  if (!c || typeof c !== 'object') return c;
  const container = c as Record<string, unknown>;
  return {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: imagePullPolicy(container.image),
    resources: {},
    ...container,
  };
}

export function podFromTemplate(template: PodTemplate, opts: PodFromTemplateOptions): KubeObject {
  const spec = { ...structuredClone(template.spec ?? {}), ...(opts.spec ?? {}) };
  const containers = Array.isArray(spec.containers) ? spec.containers.map(defaultContainer) : [];
  const initContainers = Array.isArray(spec.initContainers) ? spec.initContainers.map(defaultContainer) : undefined;
  const annotations = { ...(template.metadata?.annotations ?? {}), ...(opts.annotations ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name,
      namespace: opts.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...(opts.labels ?? {}) },
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [opts.owner],
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccountName: 'default',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      ...spec,
      containers,
      ...(initContainers ? { initContainers } : {}),
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
    },
    status: { phase: 'Pending' },
  };
}
