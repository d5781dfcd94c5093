import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { applyPatch, type PatchOperation } from './json-patch.js';
import { getByPointer } from './json-pointer.js';
import { type Overrider, type OverriderItem, OverriderFailure } from './overrider.js';

export type FieldOverrider = OverriderItem<'fieldOverrider'>;

type Format = 'json' | 'yaml';

function decode(text: string, format: Format): unknown {
  return format === 'json' ? JSON.parse(text) : parseYaml(text);
}

/**
 * Written back as Karmada writes it: JSON compact, YAML in block style with keys sorted, two
 * spaces of indentation and list items level with their key (what Go's YAML encoder emits),
 * so a member receives the same bytes from Flotilla as from Karmada.
 */
function encode(value: unknown, format: Format): string {
  if (format === 'json') return JSON.stringify(value);
  return stringifyYaml(value, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

/** Applies the operations to the document held in `text` and returns the new text. */
export function patchEmbeddedDocument(text: string, format: Format, operations: readonly PatchOperation[], fieldPath = ''): string {
  let doc: unknown;
  try {
    doc = decode(text, format);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new OverriderFailure(fieldPath, `cannot parse the ${format.toUpperCase()} document: ${why}`);
  }
  try {
    return encode(applyPatch(doc, operations), format);
  } catch (e) {
    if (e instanceof OverriderFailure) throw new OverriderFailure(fieldPath, `subPath ${e.path}: ${e.reason}`);
    throw e;
  }
}

/**
 * fieldOverrider: patches a JSON or YAML document held in a string field (a ConfigMap's data
 * entry, say) at each operation's subPath, and writes it back in the format it was read in.
 * Admission allows exactly one of json and yaml; yaml is taken when both are set, as Karmada does.
 */
export const fieldOverrider: Overrider<'fieldOverrider'> = {
  name: 'fieldOverrider',
  apply(manifest, overrider) {
    const format: Format | undefined = (overrider.yaml?.length ?? 0) > 0 ? 'yaml' : (overrider.json?.length ?? 0) > 0 ? 'json' : undefined;
    if (!format) return manifest;
    const path = overrider.fieldPath;
    const found = getByPointer(manifest, path);
    if (!found.found) throw new OverriderFailure(path, found.reason);
    if (typeof found.value !== 'string') throw new OverriderFailure(path, 'is not a string field');
    const operations = (overrider[format] ?? []).map((o): PatchOperation => ({ op: o.operator, path: o.subPath, value: o.value }));
    const text = patchEmbeddedDocument(found.value, format, operations, path);
    return applyPatch(manifest, [{ op: 'replace', path, value: text }]);
  },
};
