import { ApiError } from '../shared/status.js';
import type { MetaVersion } from '../shared/table.js';

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Splits an Accept header into media ranges with their parameters (q=0 ranges dropped). */
export function parseAccept(accept: string | undefined | null): MediaRange[] {
  if (!accept) return [];
  const out: MediaRange[] = [];
  for (const clause of accept.split(',')) {
    const [type = '', ...rawParams] = clause.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of rawParams) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    if (params.q !== undefined && Number(params.q) === 0) continue;
    out.push({ type: type.toLowerCase(), params });
  }
  return out;
}

/** Media types whose plain form Flotilla answers with JSON (kubectl accepts JSON for all of them). */
const PLAIN = new Set(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', '*/*', 'application/*']);

export type Rendering =
  | { as: 'object' }
  | { as: 'Table'; version: MetaVersion }
  | { as: 'PartialObjectMetadata'; version: MetaVersion }
  | { as: 'PartialObjectMetadataList'; version: MetaVersion };

/**
 * What the client wants back for a resource request: the object itself, a Table, or
 * metadata only. The first acceptable range wins, as in kube-apiserver; none acceptable is 406.
 */
export function negotiateRendering(accept: string | undefined | null, target: 'object' | 'list' | 'watch'): Rendering {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { as: 'object' };
  for (const r of ranges) {
    if (!PLAIN.has(r.type)) continue;
    const as = r.params.as;
    if (!as) return { as: 'object' };
    if (r.params.g !== 'meta.k8s.io' || (r.params.v !== 'v1' && r.params.v !== 'v1beta1')) continue;
    const version = r.params.v as MetaVersion;
    if (as === 'Table') return { as: 'Table', version };
    if (as === 'PartialObjectMetadata' && target !== 'list') return { as: 'PartialObjectMetadata', version };
    if (as === 'PartialObjectMetadataList' && target === 'list') return { as: 'PartialObjectMetadataList', version };
  }
  throw new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
}

export type DiscoveryFormat = 'v2' | 'v2beta1' | 'legacy';

/** Aggregated discovery when asked for (v2 or v2beta1), the legacy documents otherwise. */
export function negotiateDiscovery(accept: string | undefined | null): DiscoveryFormat {
  for (const r of parseAccept(accept)) {
    if (r.params.as === 'APIGroupDiscoveryList' && r.params.g === 'apidiscovery.k8s.io') {
      if (r.params.v === 'v2') return 'v2';
      if (r.params.v === 'v2beta1') return 'v2beta1';
      continue;
    }
    if (PLAIN.has(r.type) && !r.params.as) return 'legacy';
  }
  return 'legacy';
}
