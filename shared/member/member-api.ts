import type { KubeObject } from '../object.js';
import { MemberError, memberErrorKind, type MemberClient, type MemberRequest } from './member-client.js';

/** Where one kind lives in a member's API. */
export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${info.resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

function statusMessage(body: string): string | undefined {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    return typeof s.message === 'string' ? s.message : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a request and parses a 2xx JSON answer; any other answer is a classified MemberError. */
export async function memberJson<T>(client: MemberClient, req: MemberRequest): Promise<T> {
  const res = await client.request(req);
  if (res.status >= 200 && res.status < 300) return (res.body ? JSON.parse(res.body) : {}) as T;
  const message = statusMessage(res.body) ?? (res.body.slice(0, 200) || `HTTP ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  throw new MemberError(client.cluster, memberErrorKind(res.status), `cluster ${client.cluster}: ${req.method} ${req.path.split('?')[0]}: ${message}`, res.status, body);
}

export async function getMemberObject(client: MemberClient, path: string, timeoutMs?: number): Promise<KubeObject | undefined> {
  try {
    return await memberJson<KubeObject>(client, { method: 'GET', path, ...(timeoutMs ? { timeoutMs } : {}) });
  } catch (e) {
    if (e instanceof MemberError && e.kind === 'notFound') return undefined;
    throw e;
  }
}

/** Server-side apply, as karmada's execution would with its field manager. */
export async function applyMemberObject(client: MemberClient, path: string, obj: KubeObject, opts: { fieldManager: string; force: boolean }): Promise<KubeObject> {
  return memberJson<KubeObject>(client, {
    method: 'PATCH',
    path: `${path}?fieldManager=${encodeURIComponent(opts.fieldManager)}${opts.force ? '&force=true' : ''}`,
    contentType: 'application/apply-patch+yaml',
    body: JSON.stringify(obj),
  });
}

/** Deletes with Background propagation; an object already gone is done. */
export async function deleteMemberObject(client: MemberClient, path: string, preconditionUid?: string): Promise<void> {
  try {
    await memberJson(client, {
      method: 'DELETE',
      path,
      contentType: 'application/json',
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', ...(preconditionUid ? { preconditions: { uid: preconditionUid } } : {}) }),
    });
  } catch (e) {
    if (e instanceof MemberError && e.kind === 'notFound') return;
    throw e;
  }
}

export async function listMemberObjects(client: MemberClient, path: string, query: Record<string, string> = {}, timeoutMs?: number): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const q = new URLSearchParams({ limit: '500', ...query, ...(cont ? { continue: cont } : {}) });
    const page = await memberJson<{ items?: KubeObject[]; metadata?: { continue?: string } }>(client, { method: 'GET', path: `${path}?${q}`, ...(timeoutMs ? { timeoutMs } : {}) });
    out.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return out;
}
