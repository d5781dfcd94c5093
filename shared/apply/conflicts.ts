import { ApiError, type StatusCause } from '../status.js';
import { pathString, type Path } from './path-element.js';
import { managerIdentity, type ManagerKey } from './managed-fields.js';

/** One field another manager owns and an apply would change. */
export interface Conflict {
  manager: ManagerKey;
  path: Path;
}

/** Upstream's printManager: `"kubectl"`, `"kube-controller-manager" using apps/v1`, `"x" with subresource "status"`. */
export function printManager(k: ManagerKey): string {
  let s = JSON.stringify(k.manager);
  if (k.subresource) s += ` with subresource ${JSON.stringify(k.subresource)}`;
  if (k.operation === 'Update') s += ` using ${k.apiVersion}`;
  return s;
}

/**
 * The 409 an apply with conflicts gets, worded as kube-apiserver's NewConflictError (kubectl
 * prints the message and adds its advice about --force-conflicts): one FieldManagerConflict
 * cause per field, managers in identifier order.
 */
export function conflictError(conflicts: Conflict[]): ApiError {
  const byManager = new Map<string, { key: ManagerKey; paths: Path[] }>();
  for (const c of conflicts) {
    const id = managerIdentity(c.manager);
    const entry = byManager.get(id) ?? { key: c.manager, paths: [] };
    entry.paths.push(c.path);
    byManager.set(id, entry);
  }
  const managers = [...byManager.keys()].sort();
  const ordered: Conflict[] = managers.flatMap((id) => byManager.get(id)!.paths.map((path) => ({ manager: byManager.get(id)!.key, path })));
  const causes: StatusCause[] = ordered.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (ordered.length === 1) {
    const c = ordered[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const lines: string[] = [];
    for (const id of managers) {
      const { key, paths } = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(key)}:`);
      for (const p of paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${ordered.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
