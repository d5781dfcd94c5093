import { admissionPluginsWith, pluginsFor, runAdmission } from '../shared/admission/index.js';
import type { KubeObject } from '../shared/object.js';
import { generationChanged, invalidError } from '../shared/object-semantics.js';
import type { ResourceType } from '../shared/registry/resource-type.js';
import type { ServerContext } from './context.js';

/**
 * The admission step of a write: the kind's plugins (shared/admission) run over the object
 * the strategy prepared (for a /status write, only the plugins that admit status); a
 * refusal is a 422 naming the fields. Returns the object to store.
 */
export async function admitWrite(ctx: ServerContext, type: ResourceType, object: KubeObject, old?: KubeObject, subresource?: 'status'): Promise<KubeObject> {
  const resource = type.group ? `${type.resource}.${type.group}` : type.resource;
  const chain = pluginsFor(admissionPluginsWith(ctx.config.karmadaAdmission), resource, subresource);
  if (!chain.length) return object;
  const result = await runAdmission(
    chain,
    { operation: old ? 'UPDATE' : 'CREATE', resource, object, ...(old ? { oldObject: old } : {}), newId: () => crypto.randomUUID(), now: ctx.now },
    async () => (await ctx.store.list({ group: type.group, resource: type.resource })).items,
  );
  if (!result.ok) throw invalidError(type, object.metadata.name ?? '', result.causes);
  const admitted = result.object;
  // Mutation may undo or add a spec change after the strategy counted generations.
  if (old && type.generation !== 'none') {
    const base = old.metadata.generation ?? 1;
    admitted.metadata = { ...admitted.metadata, generation: generationChanged(type, old, admitted) ? base + 1 : base };
  }
  return admitted;
}
