import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { OverriderOperator } from '../karmada/override-policy.js';
import { OverriderFailure } from './overrider.js';

/** One RFC 6902 operation as the overriders build them (Karmada's overrideOption). */
export interface PatchOperation {
  op: OverriderOperator;
  path: string;
  value?: unknown;
}

// fast-json-patch's error names, in the words a user reading an event needs.
const reasons: Record<string, string> = {
  OPERATION_PATH_INVALID: 'is not a JSON pointer (it must start with "/")',
  OPERATION_PATH_UNRESOLVABLE: 'does not exist',
  OPERATION_PATH_CANNOT_ADD: 'cannot be added: its parent does not exist',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'is past the end of the list',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'does not name a list item',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'value is not JSON',
};

/**
 * Applies the operations in order to a copy of `doc` and returns the copy; `doc` is left as
 * it was. A missing value on add/replace is JSON null (Karmada sends `value: null` then).
 * The first operation that cannot apply throws an OverriderFailure naming its path.
 */
export function applyPatch<T>(doc: T, operations: readonly PatchOperation[]): T {
  let current: unknown = structuredClone(doc);
  for (const op of operations) {
    const operation = (op.op === 'remove' ? { op: 'remove', path: op.path } : { op: op.op, path: op.path, value: op.value ?? null }) as Operation;
    try {
      current = fastJsonPatch.applyPatch(current, [operation], true, true, true).newDocument;
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      const reason = reasons[name] ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
      throw new OverriderFailure(op.path, `${op.op}: ${reason}`);
    }
  }
  return current as T;
}
