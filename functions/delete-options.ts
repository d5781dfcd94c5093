import { z } from 'zod';
import type { PropagationPolicy } from '../shared/object-semantics.js';
import { errors } from '../shared/status.js';
import { dryRunCause } from './write-options.js';

export const deleteOptionsSchema = z
  .object({
    kind: z.string().optional(),
    apiVersion: z.string().optional(),
    gracePeriodSeconds: z.number().int().nullable().optional(),
    propagationPolicy: z.enum(['Orphan', 'Background', 'Foreground']).nullable().optional(),
    orphanDependents: z.boolean().nullable().optional(),
    preconditions: z
      .object({ uid: z.string().nullable().optional(), resourceVersion: z.string().nullable().optional() })
      .nullable()
      .optional(),
    dryRun: z.array(z.string()).nullable().optional(),
  })
  .passthrough();
export type DeleteOptions = z.infer<typeof deleteOptionsSchema>;

export interface ResolvedDeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** DeleteOptions from the body and the query (the query wins, as in kube-apiserver). */
export function resolveDeleteOptions(body: unknown, query: (name: string) => string | undefined, queries: (name: string) => string[] | undefined): ResolvedDeleteOptions {
  const parsed = body === undefined ? { success: true as const, data: {} as DeleteOptions } : deleteOptionsSchema.safeParse(body);
  if (!parsed.success) throw errors.badRequest(`invalid DeleteOptions: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(', ')}`);
  const opts = parsed.data;
  const qPolicy = query('propagationPolicy');
  if (qPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(qPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${qPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  let policy = (qPolicy as PropagationPolicy | undefined) ?? opts.propagationPolicy ?? undefined;
  const orphan = query('orphanDependents') ?? (opts.orphanDependents === null || opts.orphanDependents === undefined ? undefined : String(opts.orphanDependents));
  if (policy === undefined && orphan !== undefined) policy = orphan === 'true' ? 'Orphan' : 'Background';
  const dryRun = [...(queries('dryRun') ?? []), ...(opts.dryRun ?? [])];
  // An unknown dryRun value must not fall through to a real delete.
  const dryRunInvalid = dryRunCause(dryRun);
  if (dryRunInvalid) throw errors.invalid({ group: 'meta.k8s.io', resource: '', kind: 'DeleteOptions', name: '' }, [dryRunInvalid]);
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    preconditions: {
      ...(opts.preconditions?.uid ? { uid: opts.preconditions.uid } : {}),
      ...(opts.preconditions?.resourceVersion ? { resourceVersion: opts.preconditions.resourceVersion } : {}),
    },
    dryRun: dryRun.includes('All'),
  };
}
