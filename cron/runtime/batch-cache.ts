import type { Scope, Store } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { BatchCache } from '../reconciler.js';

/**
 * The informer cache's role, without state between invocations: the first key of a batch
 * that lists a scope reads it (every page) at one revision, and the other keys of the batch
 * share that answer. A reconciler writes conditionally on the resourceVersions it read, so a
 * list a few milliseconds old is as safe as an informer's, and a change after it is read
 * queues the key again.
 */
export function createBatchCache(store: Store): BatchCache & { readonly reads: number } {
  const lists = new Map<string, Promise<{ items: KubeObject[]; revision: number }>>();
  let reads = 0;
  const listAll = async (scope: Scope): Promise<{ items: KubeObject[]; revision: number }> => {
    reads++;
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let revision = 0;
    do {
      const page = await store.list(scope, { limit: 500, ...(cont ? { continue: cont } : {}) });
      items.push(...page.items);
      if (!revision) revision = Number(page.resourceVersion);
      cont = page.continue;
    } while (cont);
    return { items, revision };
  };
  return {
    get reads() {
      return reads;
    },
    list(scope) {
      const id = `${scope.group}/${scope.resource}/${scope.namespace ?? '*'}`;
      let found = lists.get(id);
      if (!found) {
        found = listAll(scope);
        // A failed read is not cached: the next key tries again.
        found.catch(() => lists.delete(id));
        lists.set(id, found);
      }
      return found;
    },
  };
}
