import type { KubeObject, ObjectKey } from '../object.js';
import { karmadaGroups, karmadaResourceTypes } from '../karmada/registry.js';
import { builtinGroups, builtinResourceTypes } from './builtin.js';
import { resourceTypeSchema, type ResourceType, type ResourceTypeInput } from './resource-type.js';

export * from './resource-type.js';

/** A served API group with its versions, preferred first. */
export interface ApiGroupInfo {
  name: string;
  versions: string[];
}

function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * The one source of truth for what Flotilla serves. Discovery, routing, admission and the
 * store's selectable fields all read it; adding a kind (a CRD, Karmada's types) is adding
 * an entry.
 */
export class Registry {
  private readonly types: ResourceType[] = [];
  private readonly groupOrder: string[];

  constructor(types: ResourceTypeInput[], groupOrder: string[] = []) {
    this.groupOrder = [...groupOrder];
    for (const t of types) this.add(t);
  }

  add(input: ResourceTypeInput): ResourceType {
    const t = resourceTypeSchema.parse(input);
    const i = this.types.findIndex((x) => x.group === t.group && x.resource === t.resource);
    if (i >= 0) this.types[i] = t;
    else this.types.push(t);
    if (t.group && !this.groupOrder.includes(t.group)) this.groupOrder.push(t.group);
    return t;
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  /** The resource in its group, whatever version is asked for. */
  byResource(group: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.resource === resource);
  }

  /** The resource only if it is served at that version. */
  byGroupVersionResource(group: string, version: string, resource: string): ResourceType | undefined {
    const t = this.byResource(group, resource);
    return t && t.versions.includes(version) ? t : undefined;
  }

  /** Every type of that kind; pass a group to pick one. */
  byKind(kind: string, group?: string): ResourceType[] {
    return this.types.filter((t) => t.kind === kind && (group === undefined || t.group === group));
  }

  /** The resource a short name such as `deploy` or `hpa` stands for. */
  byShortName(shortName: string): ResourceType | undefined {
    const s = shortName.toLowerCase();
    return this.types.find((t) => t.shortNames.includes(s));
  }

  byCategory(category: string): ResourceType[] {
    return this.types.filter((t) => t.categories.includes(category));
  }

  /** Named groups in discovery order (the core group is not among them). */
  groups(): ApiGroupInfo[] {
    const out: ApiGroupInfo[] = [];
    for (const name of this.groupOrder) {
      const versions: string[] = [];
      for (const t of this.types.filter((x) => x.group === name)) {
        for (const v of t.versions) if (!versions.includes(v)) versions.push(v);
      }
      // Preferred first: the order the first type lists them in, then the rest.
      if (versions.length) out.push({ name, versions });
    }
    return out;
  }

  resourcesIn(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.versions.includes(version));
  }

  /** The selectable field names of a type, metadata.name and metadata.namespace included. */
  selectableFieldNames(t: ResourceType): string[] {
    return ['metadata.name', 'metadata.namespace', ...Object.keys(t.selectableFields)];
  }

  /**
   * The field values the store indexes for field selectors; upstream renders every value as
   * a string (booleans as "true"/"false", counts as decimal).
   */
  readonly fieldsOf = (key: ObjectKey, obj: KubeObject): Record<string, string> => {
    const t = this.byResource(key.group, key.resource);
    const out: Record<string, string> = {};
    if (!t) return out;
    for (const [field, spec] of Object.entries(t.selectableFields)) {
      const v = readPath(obj, spec.from ?? field);
      out[field] = v === undefined || v === null || v === '' ? (spec.default ?? '') : String(v);
    }
    return out;
  };
}

/** The registry of the built-in kinds: Kubernetes' and Karmada's. */
export function createBuiltinRegistry(): Registry {
  return new Registry([...builtinResourceTypes, ...karmadaResourceTypes], [...builtinGroups, ...karmadaGroups]);
}
