import type { ReconcileContext } from '../reconciler.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import { isApiError } from '../../shared/status.js';
import { withoutFinalizer, writeBack } from '../object-writes.js';

/**
 * Takes one finalizer off, finishing the deletion when it was the last one (as the API's
 * update path does). A lost race is not an error: the write that won wakes the controller again.
 */
export async function releaseFinalizer(ctx: ReconcileContext, key: ObjectKey, obj: KubeObject, finalizer: string): Promise<void> {
  if (!obj.metadata.finalizers?.includes(finalizer)) return;
  try {
    await writeBack(ctx.store, ctx.registry, key, withoutFinalizer(obj, finalizer));
  } catch (e) {
    if (isApiError(e) && (e.code === 404 || e.code === 409)) return;
    throw e;
  }
}
