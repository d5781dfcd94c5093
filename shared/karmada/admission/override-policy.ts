import type { AdmissionPlugin } from '../../admission/plugin.js';
import type { KubeObject } from '../../object.js';
import type { StatusCause } from '../../status.js';
import { child, index, invalid } from '../field-errors.js';
import { jsonPointerErrors } from '../name-rules.js';
import type { OverridePolicy, OverrideSpec, Overriders } from '../override-policy.js';
import { POLICY_GROUP } from '../propagation-policy.js';
import { validateClusterAffinity } from './cluster-affinity.js';
import { validateAnnotationMap, validateLabelMap } from './label-maps.js';

/** Karmada's webhooks for OverridePolicy (mutating and validating) and ClusterOverridePolicy (validating). */

const asPolicy = (obj: KubeObject): OverridePolicy => obj as unknown as OverridePolicy;

function pointer(path: string, value: string): StatusCause[] {
  return jsonPointerErrors(value).map((e) => invalid(path, value, e));
}

/** add and replace carry a value, remove must not (an empty JSON value counts as none). */
function operatorValue(operator: string, value: unknown, path: string): StatusCause[] {
  const present = value !== undefined && value !== null;
  if ((operator === 'add' || operator === 'replace') && !present) return [invalid(path, null, `a value is required for ${operator}`)];
  if (operator === 'remove' && present) return [invalid(path, value, 'remove takes no value')];
  return [];
}

function hasOverriders(o: Overriders | undefined): boolean {
  if (!o) return false;
  return Object.values(o).some((list) => Array.isArray(list) && list.length > 0);
}

function validateOverriders(o: Overriders, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  (o.plaintext ?? []).forEach((p, i) => {
    const at = index(child(path, 'plaintext'), i);
    out.push(...pointer(child(at, 'path'), p.path));
    out.push(...operatorValue(p.operator, p.value, child(at, 'value')));
  });
  (o.imageOverrider ?? []).forEach((img, i) => {
    if (img.predicate) out.push(...pointer(child(child(index(child(path, 'imageOverrider'), i), 'predicate'), 'path'), img.predicate.path));
  });
  (o.labelsOverrider ?? []).forEach((l, i) => out.push(...validateLabelMap(l.value, child(index(child(path, 'labelsOverrider'), i), 'value'))));
  (o.annotationsOverrider ?? []).forEach((a, i) =>
    out.push(...validateAnnotationMap(a.value, child(index(child(path, 'annotationsOverrider'), i), 'value'))),
  );
  (o.fieldOverrider ?? []).forEach((f, i) => {
    const at = index(child(path, 'fieldOverrider'), i);
    const json = f.json ?? [];
    const yaml = f.yaml ?? [];
    if (json.length > 0 && yaml.length > 0) out.push(invalid(at, f.fieldPath, 'set json or yaml, not both'));
    if (json.length === 0 && yaml.length === 0) out.push(invalid(at, f.fieldPath, 'set one of json or yaml'));
    out.push(...pointer(child(at, 'fieldPath'), f.fieldPath));
    for (const [format, ops] of [['json', json], ['yaml', yaml]] as const) {
      ops.forEach((op, k) => {
        const opPath = index(child(at, format), k);
        out.push(...pointer(child(opPath, 'subPath'), op.subPath));
        out.push(...operatorValue(op.operator, op.value, child(opPath, 'value')));
      });
    }
  });
  return out;
}

/** Every rule on OverrideSpec; `namespace` is the policy's ('' for ClusterOverridePolicy). */
export function validateOverrideSpec(spec: OverrideSpec, namespace: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (spec.targetCluster) out.push(...validateClusterAffinity(spec.targetCluster, 'spec.targetCluster'));
  if (spec.targetCluster && spec.overrideRules) {
    out.push(invalid('spec.targetCluster', spec.targetCluster, 'the deprecated targetCluster cannot be used together with overrideRules'));
  }
  if (hasOverriders(spec.overriders) && spec.overrideRules) {
    out.push(invalid('spec.overriders', spec.overriders, 'the deprecated overriders cannot be used together with overrideRules'));
  }
  (spec.overrideRules ?? []).forEach((rule, i) => {
    const at = index('spec.overrideRules', i);
    out.push(...validateOverriders(rule.overriders, child(at, 'overriders')));
    out.push(...validateClusterAffinity(rule.targetCluster, child(at, 'targetCluster')));
  });
  (spec.resourceSelectors ?? []).forEach((s, i) => {
    if (namespace && s.namespace && s.namespace !== namespace) {
      out.push(
        invalid(child(index('spec.resourceSelectors', i), 'namespace'), s.namespace, `an OverridePolicy only selects resources in its own namespace ${JSON.stringify(namespace)}`),
      );
    }
  });
  return out;
}

export function overridePolicyPlugins(): AdmissionPlugin[] {
  return [
    {
      name: 'OverridePolicy',
      resources: [`overridepolicies.${POLICY_GROUP}`],
      mutate({ object }) {
        const policy = structuredClone(asPolicy(object));
        const ns = policy.metadata.namespace;
        for (const s of policy.spec.resourceSelectors ?? []) if (!s.namespace && ns) s.namespace = ns;
        return policy as unknown as KubeObject;
      },
      validate({ object }) {
        const policy = asPolicy(object);
        return validateOverrideSpec(policy.spec, policy.metadata.namespace ?? '');
      },
    },
    {
      name: 'ClusterOverridePolicy',
      resources: [`clusteroverridepolicies.${POLICY_GROUP}`],
      validate({ object }) {
        return validateOverrideSpec(asPolicy(object).spec, '');
      },
    },
  ];
}
