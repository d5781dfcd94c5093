import type { Context, Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { decodeObjectBody } from '../body.js';
import { errorToResponse } from '../errors.js';
import { jsonResponse } from '../render.js';
import { parseResourcePath } from '../request-info.js';
import { errors } from '../../shared/status.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { PropagationSpec } from '../../shared/karmada/propagation-policy.js';
import { defaultDivisionPreference, defaultSpreadConstraints } from '../../shared/karmada/admission/propagation-policy.js';
import { bindingName } from '../../shared/binding/names.js';
import { placementReport, type PlacementReport } from '../../shared/binding/placement-report.js';
import { detectorBindingSpec } from '../../shared/detector/binding-spec.js';
import { isReservedNamespace } from '../../shared/detector/policy-selection.js';
import { resourceMatches } from '../../shared/policy/resource-selector.js';
import { defaultControllerSettings, type ControllerSettings } from '../../shared/controller-settings.js';
import { runSchedule } from '../../cron/karmada/scheduler.js';
import { describeFailover } from '../../shared/failover/placement-report.js';
import { EVICTION_BRAKE_NAME, EVICTION_BRAKE_NAMESPACE } from '../../shared/failover/eviction-brake.js';

/**
 * The `placement` subresource, Flotilla's answer to "why did it land there, and where would
 * this policy put it?":
 *   GET  …/resourcebindings/NAME/placement, …/clusterresourcebindings/NAME/placement — the
 *        binding scheduled now against the Clusters as they are (nothing written);
 *   POST …/propagationpolicies/NAME/placement, …/clusterpropagationpolicies/NAME/placement —
 *        the policy in the body (stored or not) against every template it would select: a dry run.
 * Authorization is RBAC's on the subresource (`get resourcebindings/placement`,
 * `create propagationpolicies/placement`), decided by the middleware like any other request.
 */

const BINDING_RESOURCES = new Set(['resourcebindings', 'clusterresourcebindings']);
const POLICY_RESOURCES = new Set(['propagationpolicies', 'clusterpropagationpolicies']);

async function clusters(ctx: ServerContext): Promise<Cluster[]> {
  return (await ctx.store.list({ group: 'cluster.karmada.io', resource: 'clusters' })).items as Cluster[];
}

function reportOf(binding: Pick<ResourceBinding, 'kind' | 'metadata' | 'spec' | 'status'>, all: Cluster[], settings: ControllerSettings, dryRun: boolean): PlacementReport {
  const outcome = runSchedule(binding, all, { fresh: false, settings });
  return placementReport(binding, outcome, { dryRun });
}

async function bindingPlacement(ctx: ServerContext, settings: ControllerSettings, resource: string, namespace: string, name: string): Promise<Response> {
  const binding = (await ctx.store.get({ group: 'work.karmada.io', resource, namespace, name })) as ResourceBinding | undefined;
  if (!binding) throw errors.notFound({ group: 'work.karmada.io', resource, name });
  const all = await clusters(ctx);
  const brake = await ctx.store.get({ group: '', resource: 'configmaps', namespace: EVICTION_BRAKE_NAMESPACE, name: EVICTION_BRAKE_NAME });
  return jsonResponse({ ...reportOf(binding, all, settings, false), failover: describeFailover(binding.spec, all, brake as { data?: Record<string, string> } | undefined, settings.failover) });
}

/** Every stored template the policy's selectors pick, in the policy's namespace for a PropagationPolicy. */
async function selectedTemplates(ctx: ServerContext, spec: PropagationSpec, namespace: string | undefined): Promise<KubeObject[]> {
  const out = new Map<string, KubeObject>();
  for (const rs of spec.resourceSelectors ?? []) {
    const slash = rs.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : rs.apiVersion.slice(0, slash);
    for (const type of ctx.registry.byKind(rs.kind, group)) {
      if (namespace !== undefined && !type.namespaced) continue;
      const scope = { group: type.group, resource: type.resource, ...(namespace !== undefined ? { namespace } : {}) };
      for (const obj of (await ctx.store.list(scope)).items) {
        if (type.namespaced && isReservedNamespace(obj.metadata.namespace)) continue;
        const selectable = { apiVersion: rs.apiVersion, kind: rs.kind, metadata: obj.metadata };
        const selector = namespace !== undefined ? { ...rs, namespace: rs.namespace || namespace } : rs;
        if (resourceMatches(selectable, selector)) out.set(`${type.group}/${type.resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, { ...obj, apiVersion: rs.apiVersion, kind: rs.kind });
      }
    }
  }
  return [...out.values()];
}

async function policyPlacement(ctx: ServerContext, c: Context<AppEnv>, settings: ControllerSettings, resource: string, namespace: string | undefined): Promise<Response> {
  const body = (await decodeObjectBody(c.req.raw)) as unknown as { spec?: PropagationSpec; metadata?: { namespace?: string } };
  if (!body.spec?.resourceSelectors?.length) throw errors.badRequest('the body must be a propagation policy with spec.resourceSelectors');
  const spec = structuredClone(body.spec);
  // The webhook's defaults, as the policy would have them once stored.
  if (spec.placement) {
    defaultDivisionPreference(spec.placement);
    defaultSpreadConstraints(spec.placement.spreadConstraints);
  }
  const all = await clusters(ctx);
  const items: PlacementReport[] = [];
  for (const template of await selectedTemplates(ctx, spec, resource === 'propagationpolicies' ? namespace : undefined)) {
    const kind = template.kind ?? '';
    const binding = {
      kind: template.metadata.namespace ? 'ResourceBinding' : 'ClusterResourceBinding',
      metadata: { name: bindingName(kind, template.metadata.name ?? ''), ...(template.metadata.namespace ? { namespace: template.metadata.namespace } : {}) },
      spec: detectorBindingSpec(template, spec, undefined),
    } as ResourceBinding;
    items.push(reportOf(binding, all, settings, true));
  }
  return jsonResponse({ kind: 'PlacementReportList', apiVersion: 'work.karmada.io/v1alpha2', items });
}

export function registerPlacement(app: Hono<AppEnv>, ctx: ServerContext, settings: ControllerSettings = defaultControllerSettings): void {
  const handle = async (c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> => {
    const path = parseResourcePath(c.req.path);
    if (!path || path.subresource !== 'placement' || !path.name) return next();
    try {
      if (path.group === 'work.karmada.io' && BINDING_RESOURCES.has(path.resource) && c.req.method === 'GET') {
        return await bindingPlacement(ctx, settings, path.resource, path.namespace ?? '', path.name);
      }
      if (path.group === 'policy.karmada.io' && POLICY_RESOURCES.has(path.resource) && c.req.method === 'POST') {
        if ((path.resource === 'propagationpolicies') !== (path.namespace !== undefined)) return next();
        return await policyPlacement(ctx, c, settings, path.resource, path.namespace);
      }
    } catch (err) {
      return errorToResponse(err);
    }
    return next();
  };
  app.all('/apis/work.karmada.io/:version/*', handle);
  app.all('/apis/policy.karmada.io/:version/*', handle);
}
