import { z } from 'zod';
import { labelSelectorSchema } from '../label-selector.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** rbacv1.PolicyRule. Lists default to empty so evaluation never meets `undefined`. */
export const policyRuleSchema = z.object({
  verbs: z.array(z.string()).default([]),
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const subjectSchema = z.object({
  kind: z.string(),
  apiGroup: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
});
export type Subject = z.infer<typeof subjectSchema>;

export const roleRefSchema = z.object({
  apiGroup: z.string().optional(),
  kind: z.string(),
  name: z.string(),
});
export type RoleRef = z.infer<typeof roleRefSchema>;

const metaSchema = z
  .object({
    name: z.string().optional(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullable().optional(),
    annotations: z.record(z.string(), z.string()).nullable().optional(),
  })
  .passthrough();

export const aggregationRuleSchema = z.object({
  clusterRoleSelectors: z.array(labelSelectorSchema).nullable().optional(),
});
export type AggregationRule = z.infer<typeof aggregationRuleSchema>;

/** Role and ClusterRole as evaluation reads them; a stored object that fails to parse is skipped and reported. */
export const roleSchema = z
  .object({
    metadata: metaSchema,
    rules: z.array(policyRuleSchema).nullable().optional(),
    aggregationRule: aggregationRuleSchema.nullable().optional(),
  })
  .passthrough();
export type Role = z.infer<typeof roleSchema>;

export const bindingSchema = z
  .object({
    metadata: metaSchema,
    subjects: z.array(subjectSchema).nullable().optional(),
    roleRef: roleRefSchema,
  })
  .passthrough();
export type Binding = z.infer<typeof bindingSchema>;

/** The RBAC objects one decision may consult. Namespaced ones only for the request's namespace. */
export interface PolicySnapshot {
  clusterRoles: Role[];
  clusterRoleBindings: Binding[];
  /** Roles of the namespace being evaluated (empty for cluster-scoped requests). */
  roles: Role[];
  /** RoleBindings of the namespace being evaluated. */
  roleBindings: Binding[];
}

export function rulesOf(role: Role): PolicyRule[] {
  return role.rules ?? [];
}
