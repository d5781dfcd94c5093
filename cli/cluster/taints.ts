// `flotilla taint` and `cordon`: kubectl taint's argument syntax and its rules for changing a
// taint list (k8s.io/kubectl/pkg/cmd/taint), on a Cluster's spec.taints. Pure functions.

import type { Taint } from '../../shared/karmada/common.js';
import { TAINT_CLUSTER_UNSCHEDULABLE } from '../../shared/karmada/cluster.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export interface TaintRemoval {
  key: string;
  /** Unset: every taint with the key. */
  effect?: string;
}

export interface TaintArgs {
  add: Taint[];
  remove: TaintRemoval[];
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, spec: string): void {
  const [prefix, name] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : ['', key];
  if (!QUALIFIED_NAME.test(key) || name.length > 63 || prefix.length > 253) throw new Error(`invalid taint spec: ${spec}, invalid key ${JSON.stringify(key)}`);
}

function checkEffect(effect: string, spec: string): void {
  if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) {
    throw new Error(`invalid taint effect: ${effect}, unsupported taint effect (in ${spec}); one of ${TAINT_EFFECTS.join(', ')}`);
  }
}

/** `key=value:Effect` / `key:Effect` (add), `key:Effect-` / `key-` (remove), as kubectl's ParseTaints. */
export function parseTaintArgs(specs: readonly string[]): TaintArgs {
  const add: Taint[] = [];
  const remove: TaintRemoval[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      const body = spec.slice(0, -1);
      const colon = body.indexOf(':');
      // A value in a removal is ignored, as kubectl does.
      const keyPart = colon >= 0 ? body.slice(0, colon) : body;
      const key = keyPart.includes('=') ? keyPart.slice(0, keyPart.indexOf('=')) : keyPart;
      checkKey(key, spec);
      if (colon >= 0) {
        const effect = body.slice(colon + 1);
        checkEffect(effect, spec);
        remove.push({ key, effect });
      } else {
        remove.push({ key });
      }
      continue;
    }
    const colon = spec.lastIndexOf(':');
    if (colon < 0) throw new Error(`invalid taint spec: ${spec}, expected key[=value]:Effect`);
    const keyValue = spec.slice(0, colon);
    const effect = spec.slice(colon + 1);
    const eq = keyValue.indexOf('=');
    const key = eq >= 0 ? keyValue.slice(0, eq) : keyValue;
    const value = eq >= 0 ? keyValue.slice(eq + 1) : '';
    checkKey(key, spec);
    if (!LABEL_VALUE.test(value) || value.length > 63) throw new Error(`invalid taint spec: ${spec}, invalid value ${JSON.stringify(value)}`);
    checkEffect(effect, spec);
    const id = `${key}:${effect}`;
    if (seen.has(id)) throw new Error(`duplicated taints with the same key and effect: ${id}`);
    seen.add(id);
    add.push({ key, ...(value ? { value } : {}), effect });
  }
  for (const r of remove) {
    if (add.some((t) => t.key === r.key && (r.effect === undefined || t.effect === r.effect))) {
      throw new Error(`can not both modify and remove the following taint(s) in the same command: ${r.key}${r.effect ? `:${r.effect}` : ''}`);
    }
  }
  return { add, remove };
}

export type TaintOperation = 'tainted' | 'untainted' | 'modified' | 'unchanged';

/**
 * The new taint list: existing taints kept unless replaced or removed, in their order, added
 * ones after. Adding a key:effect that exists needs `overwrite`; removing one that is not
 * there is an error. The operation words are kubectl's.
 */
export function applyTaintArgs(
  cluster: string,
  current: readonly Taint[],
  args: TaintArgs,
  overwrite: boolean,
): { taints: Taint[]; operation: TaintOperation } {
  const same = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
  if (!overwrite) {
    const clashing = args.add.filter((t) => current.some((c) => same(c, t)));
    if (clashing.length) {
      throw new Error(`cluster ${cluster} already has ${clashing.map((t) => t.key).join(', ')} taint(s) with same effect(s) and --overwrite is false`);
    }
  }
  let taints: Taint[] = current.map((c) => args.add.find((t) => same(c, t)) ?? c);
  const replaced = args.add.filter((t) => current.some((c) => same(c, t)));
  const added = args.add.filter((t) => !current.some((c) => same(c, t)));
  taints.push(...added);
  const missing: string[] = [];
  for (const r of args.remove) {
    const before = taints.length;
    taints = taints.filter((t) => !(t.key === r.key && (r.effect === undefined || t.effect === r.effect)));
    if (taints.length === before) missing.push(r.effect ? `${r.key}:${r.effect}` : r.key);
  }
  if (missing.length) throw new Error(`taint ${missing.map((m) => JSON.stringify(m)).join(', ')} not found`);
  const removed = args.remove.length > 0;
  const grew = added.length > 0 || replaced.length > 0;
  const operation: TaintOperation = (grew && removed) || (overwrite && replaced.length > 0) ? 'modified' : grew ? 'tainted' : removed ? 'untainted' : 'unchanged';
  return { taints, operation };
}

export const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_CLUSTER_UNSCHEDULABLE, effect: 'NoSchedule' };

export function isCordoned(taints: readonly Taint[] | undefined): boolean {
  return (taints ?? []).some((t) => t.key === UNSCHEDULABLE_TAINT.key && t.effect === UNSCHEDULABLE_TAINT.effect);
}

/** The taints with (cordon) or without (uncordon) the unschedulable taint; undefined when nothing changes. */
export function cordonTaints(taints: readonly Taint[] | undefined, cordon: boolean): Taint[] | undefined {
  const list = [...(taints ?? [])];
  if (cordon === isCordoned(list)) return undefined;
  return cordon ? [...list, { ...UNSCHEDULABLE_TAINT }] : list.filter((t) => !(t.key === UNSCHEDULABLE_TAINT.key && t.effect === UNSCHEDULABLE_TAINT.effect));
}
