import type { ListResult } from '../db/store.js';
import type { KubeObject } from '../shared/object.js';
import { groupVersionString, type ResourceType } from '../shared/registry/resource-type.js';
import { partialObjectMetadata, toTable, type IncludeObject } from '../shared/table.js';
import { errors } from '../shared/status.js';
import type { Rendering } from './negotiation.js';

export function jsonResponse(body: unknown, status = 200, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...extraHeaders },
  });
}

export function parseIncludeObject(value: string | undefined): IncludeObject | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw errors.badRequest(`includeObject: Unsupported value: "${value}": supported values: "None", "Metadata", "Object"`);
}

/** One object as the client negotiated it (plain, Table row, or metadata only). */
export function renderObject(
  type: ResourceType,
  obj: KubeObject,
  rendering: Rendering,
  opts: { now: number; includeObject?: IncludeObject; noHeaders?: boolean },
): unknown {
  switch (rendering.as) {
    case 'object':
      return obj;
    case 'Table':
      return toTable(type, [obj], {
        now: opts.now,
        version: rendering.version,
        ...(opts.includeObject ? { includeObject: opts.includeObject } : {}),
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
        ...(opts.noHeaders ? { noHeaders: true } : {}),
      });
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return partialObjectMetadata(obj, rendering.version);
  }
}

/** A list as kube-apiserver returns it: `<Kind>List` with items carrying apiVersion and kind. */
export function renderList(
  type: ResourceType,
  version: string,
  result: ListResult,
  rendering: Rendering,
  opts: { now: number; includeObject?: IncludeObject },
): unknown {
  const metadata = { resourceVersion: result.resourceVersion, ...(result.continue ? { continue: result.continue } : {}) };
  switch (rendering.as) {
    case 'Table':
      return toTable(type, result.items, {
        now: opts.now,
        version: rendering.version,
        servedVersion: version,
        resourceVersion: result.resourceVersion,
        ...(result.continue ? { continue: result.continue } : {}),
        ...(opts.includeObject ? { includeObject: opts.includeObject } : {}),
      });
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${rendering.version}`,
        metadata,
        items: result.items.map((o) => partialObjectMetadata(o, rendering.version)),
      };
    case 'object':
      return { kind: `${type.kind}List`, apiVersion: groupVersionString(type.group, version), metadata, items: result.items };
  }
}
