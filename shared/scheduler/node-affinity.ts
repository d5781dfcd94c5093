// A pod template's node constraints (nodeSelector and the required node affinity) against one
// node, with kube-scheduler's semantics: selector terms are ORed, the requirements inside a term
// ANDed, and an empty term or an empty term list matches no node.

export interface NodeIdentity {
  name: string;
  labels: Record<string, string>;
}

interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface SelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}

function asRequirements(v: unknown): SelectorRequirement[] {
  if (!Array.isArray(v)) return [];
  return v.filter((r): r is SelectorRequirement => typeof r === 'object' && r !== null && typeof (r as { key?: unknown }).key === 'string');
}

function asTerms(affinity: Record<string, unknown>): SelectorTerm[] {
  const terms = affinity.nodeSelectorTerms;
  if (!Array.isArray(terms)) return [];
  return terms.map((t) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    return { matchExpressions: asRequirements(o.matchExpressions), matchFields: asRequirements(o.matchFields) };
  });
}

// Gt and Lt compare integers; a label or value that is not one makes the requirement fail.
function integer(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

function requirementMatches(req: SelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = integer(value);
      const want = values.length === 1 ? integer(values[0]) : undefined;
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

function termMatches(term: SelectorTerm, node: NodeIdentity): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const req of exprs) {
    if (!requirementMatches(req, Object.prototype.hasOwnProperty.call(node.labels, req.key) ? node.labels[req.key] : undefined)) return false;
  }
  for (const req of fields) {
    // metadata.name is the only field node selectors may use.
    if (req.key !== 'metadata.name' || !requirementMatches(req, node.name)) return false;
  }
  return true;
}

/** Whether the node satisfies the nodeSelector and the required node affinity of a node claim. */
export function nodeMatchesClaim(
  node: NodeIdentity,
  claim: { nodeSelector?: Record<string, string>; hardNodeAffinity?: Record<string, unknown> } | undefined,
): boolean {
  if (!claim) return true;
  for (const [k, v] of Object.entries(claim.nodeSelector ?? {})) {
    if (node.labels[k] !== v) return false;
  }
  if (claim.hardNodeAffinity === undefined) return true;
  return asTerms(claim.hardNodeAffinity).some((t) => termMatches(t, node));
}
