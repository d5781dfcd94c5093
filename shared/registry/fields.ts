import type { KubeObject, ObjectKey } from '../object.js';
import { createBuiltinRegistry } from './index.js';

const builtin = createBuiltinRegistry();

/** The selectable fields of the built-in kinds, for `new Store(client, { fieldsOf })`. */
export function fieldsOf(key: ObjectKey, obj: KubeObject): Record<string, string> {
  return builtin.fieldsOf(key, obj);
}
