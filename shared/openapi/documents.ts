/**
 * The OpenAPI documents of a registry: built when asked from the served kinds and the schemas
 * known for them, so a kind added later (a CRD, Karmada's) is published without a rebuild.
 */
import type { Registry } from '../registry/index.js';
import { documentPaths, pathsForDocument, type DocumentPath, type ServedPath } from './operations.js';
import { EMPTY_PARAMETER_CATALOGUE, type ParameterCatalogue } from './parameters.js';
import type { SchemaSet } from './schema.js';
import { withServedSchemas } from './served-schemas.js';
import { v2Document } from './v2-document.js';
import { v3Document, type JsonObject } from './v3-document.js';

export interface OpenApiDocuments {
  /** The keys of /openapi/v3's index (`api/v1`, `apis/apps/v1`, …). */
  readonly paths: readonly DocumentPath[];
  /** One /openapi/v3 document; undefined for a key the registry does not serve. */
  v3(path: DocumentPath): JsonObject | undefined;
  /** The /openapi/v2 document. */
  v2(): JsonObject;
}

export interface DocumentOptions {
  /** Upstream's parameter texts (from the build step); without them parameters carry only names. */
  parameters?: ParameterCatalogue;
  /** info.version: the server's gitVersion, as a live kube-apiserver reports it. */
  version?: string;
}

export function documentsFor(registry: Registry, schemaSet: SchemaSet, options: DocumentOptions = {}): OpenApiDocuments {
  const set = withServedSchemas(registry, schemaSet);
  const catalogue = options.parameters ?? EMPTY_PARAMETER_CATALOGUE;
  const info = { title: 'Kubernetes', version: options.version ?? 'unversioned' };
  const paths = documentPaths(registry);
  const served = new Set(paths);
  const pathsOf = new Map<DocumentPath, ServedPath[]>();
  const pathsFor = (doc: DocumentPath): ServedPath[] => {
    let p = pathsOf.get(doc);
    if (!p) pathsOf.set(doc, (p = pathsForDocument(registry, set, catalogue, doc)));
    return p;
  };
  return {
    paths,
    v3: (doc) => (served.has(doc) ? v3Document(pathsFor(doc), set, info) : undefined),
    v2: () => v2Document(paths.flatMap(pathsFor), set, info),
  };
}
