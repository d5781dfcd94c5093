/**
 * The schema model every schema-driven piece shares: strategic merge patch, server-side
 * apply, field validation, pruning and `kubectl explain`. It is OpenAPI v2's `definitions`
 * shape, as kube-apiserver publishes it (and as CRDs' structural schemas translate to), so
 * built-in schemas come straight from upstream's generated spec and never by hand.
 */
export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  $ref?: string; // '#/definitions/<name>'
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  /** Value alternatives only (never where fields are declared): upstream's IntOrString and Quantity, CRDs' anyOf. */
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  not?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-patch-strategy'?: string; // 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys'
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
  [extension: `x-${string}`]: unknown;
}

/** A set of named definitions plus the kinds they describe. */
export interface SchemaSet {
  definitions: Record<string, SchemaNode>;
  /** The definition name of a kind's top-level object (e.g. io.k8s.api.apps.v1.Deployment). */
  definitionFor(group: string, version: string, kind: string): string | undefined;
}

/** Follows `$ref`s (one level at a time, as deep as they go) to the node they name. */
export function resolveRef(set: SchemaSet, node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let hops = 0; n?.$ref && hops < 32; hops++) {
    n = set.definitions[n.$ref.replace(/^#\/definitions\//, '')];
  }
  return n;
}

/** The schema of a kind's top-level object, resolved, or undefined when the kind has none. */
export function schemaForKind(set: SchemaSet, group: string, version: string, kind: string): SchemaNode | undefined {
  const name = set.definitionFor(group, version, kind);
  return name ? set.definitions[name] : undefined;
}

/** Builds the `definitionFor` index from the definitions' x-kubernetes-group-version-kind. */
export function indexByGroupVersionKind(definitions: Record<string, SchemaNode>): SchemaSet {
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
  }
  return {
    definitions,
    definitionFor: (group, version, kind) => byGvk.get(`${group}/${version}/${kind}`),
  };
}

/**
 * One SchemaSet from several (the built-ins, then CRDs' or Karmada's contributions): a later set's
 * definition of a name wins, and a kind is looked up in the later sets first.
 */
export function mergeSchemaSets(...sets: SchemaSet[]): SchemaSet {
  if (sets.length === 1) return sets[0]!;
  const definitions: Record<string, SchemaNode> = {};
  for (const s of sets) Object.assign(definitions, s.definitions);
  const lookups = [...sets].reverse();
  return {
    definitions,
    definitionFor(group, version, kind) {
      for (const s of lookups) {
        const name = s.definitionFor(group, version, kind);
        if (name) return name;
      }
      return undefined;
    },
  };
}
