// What the member watches learn from the gateway's traffic, and what their events mean. The
// gateway sees every call the worker makes to a member; the calls that touch objects Flotilla
// placed there (server-side applies by its field manager, the status poll's lists of managed
// objects) name the kinds in use, and those are the collections worth watching.

import type { KubeObject } from '../../shared/object.js';
import { MANAGED_LABEL } from '../../shared/binding/work-manifest.js';
import { WORK_NAME_ANNOTATION, WORK_NAMESPACE_ANNOTATION } from '../../shared/karmada/work.js';
import { RESOURCE_TEMPLATE_GENERATION_ANNOTATION } from '../../shared/interpreter/index.js';

export const MANAGED_SELECTOR = `${MANAGED_LABEL}=true`;
const FIELD_MANAGER = 'flotilla';

/**
 * The all-namespaces collection path (`/apis/apps/v1/deployments`) a member request touches,
 * when the request is about objects Flotilla manages; undefined for anything else (discovery,
 * health probes, node lists, the Cluster proxy's traffic).
 */
export function watchCollectionOf(method: string, pathAndQuery: string): string | undefined {
  const url = new URL(pathAndQuery, 'http://member.invalid');
  const q = url.searchParams;
  const applies = method === 'PATCH' && q.get('fieldManager') === FIELD_MANAGER;
  const polls = method === 'GET' && (q.get('labelSelector') ?? '').split(',').includes(MANAGED_SELECTOR) && q.get('watch') !== '1' && q.get('watch') !== 'true';
  if (!applies && !polls) return undefined;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let root: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    root = `/api/${parts[1]}`;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    root = `/apis/${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else return undefined;
  // `namespaces/<ns>/<resource>…` is namespaced; `namespaces` or `namespaces/<name>` is the Namespace kind itself.
  const resource = rest[0] === 'namespaces' && rest.length >= 3 ? rest[2] : rest[0];
  if (!resource || !/^[a-z0-9.-]+$/.test(resource)) return undefined;
  return `${root}/${resource}`;
}

/** The Work (`karmada-es-<cluster>/<name>`) that placed a member object, from the annotations execution stamps. */
export function workKeyOf(obj: KubeObject): string | undefined {
  const a = obj.metadata?.annotations ?? {};
  const ns = a[WORK_NAMESPACE_ANNOTATION];
  const name = a[WORK_NAME_ANNOTATION];
  return ns && name ? `${ns}/${name}` : undefined;
}

/** What the watch remembers of an object between events, to tell someone else's edit from a status change. */
export interface SeenVersion {
  generation: number | undefined;
  templateGeneration: string | undefined;
}

export function seenVersionOf(obj: KubeObject): SeenVersion {
  return { generation: obj.metadata?.generation, templateGeneration: obj.metadata?.annotations?.[RESOURCE_TEMPLATE_GENERATION_ANNOTATION] };
}

/**
 * Whether an event says the member copy no longer holds what the Work put there: it was
 * deleted, or its spec moved (generation) while the template generation it carries did not
 * (an apply from Flotilla moves both). Applying again is idempotent, so a false alarm costs
 * one server-side apply that changes nothing.
 */
export function isDrift(type: string, before: SeenVersion | undefined, obj: KubeObject): boolean {
  if (type === 'DELETED') return true;
  if (type !== 'MODIFIED' || !before) return false;
  const now = seenVersionOf(obj);
  return now.generation !== undefined && before.generation !== undefined && now.generation > before.generation && now.templateGeneration === before.templateGeneration;
}
