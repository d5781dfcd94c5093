import type { z } from 'zod';
import type { KubeObject } from '../object.js';
import type { aggregatedStatusItem, healthStates, replicaRequirements } from '../karmada/resource-binding.js';

/** A member object's health as a Work and a binding report it. */
export type Health = (typeof healthStates)[number];

/** What one replica of a workload needs, as the binding's spec.replicaRequirements holds it. */
export type ReplicaRequirements = z.infer<typeof replicaRequirements>;

/** One cluster's entry of binding.status.aggregatedStatus. */
export type AggregatedStatusItem = z.infer<typeof aggregatedStatusItem>;

/** An object a workload needs beside it in every cluster it runs in (config.karmada.io DependentObjectReference). */
export interface DependentObjectReference {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ReplicaResult {
  replicas: number;
  requirements?: ReplicaRequirements;
}

export interface GetReplicasOptions {
  /**
   * Karmada's ResourceQuotaEstimate feature gate (off by default): also record the
   * namespace and priority class the replicas run with, for quota-aware estimation.
   */
  resourceQuotaEstimate?: boolean;
}

export interface AggregateStatusOptions {
  /** The time written into conditions the aggregation adds (Job); defaults to the current time. */
  now?: Date;
}

/**
 * The hooks Karmada's native interpreter has for one kind. A hook that is missing means the
 * default applies (see index.ts). Hooks may throw InterpretError on malformed objects.
 */
export interface KindInterpreter {
  apiVersion: string;
  kind: string;
  getReplicas?(obj: KubeObject, options?: GetReplicasOptions): ReplicaResult;
  reviseReplica?(obj: KubeObject, replicas: number): KubeObject;
  reflectStatus?(memberObj: KubeObject): Record<string, unknown> | undefined;
  interpretHealth?(memberObj: KubeObject): Health;
  aggregateStatus?(template: KubeObject, items: readonly AggregatedStatusItem[], options?: AggregateStatusOptions): KubeObject;
  retain?(desired: KubeObject, observed: KubeObject): KubeObject;
  getDependencies?(obj: KubeObject): DependentObjectReference[];
}
