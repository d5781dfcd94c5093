/**
 * The text a decoded request body came from, kept beside the value (not in it) for the checks
 * only the text can answer: duplicate keys, which parsing silently collapses. Bodies decoded
 * from protobuf have no text and cannot carry duplicates.
 */
export interface BodySource {
  text: string;
  format: 'json' | 'yaml';
}

const sources = new WeakMap<object, BodySource>();

/** Records where `value` was parsed from; returns it, so decoders can wrap their result. */
export function rememberBodySource<T>(value: T, text: string, format: BodySource['format']): T {
  if (typeof value === 'object' && value !== null) sources.set(value, { text, format });
  return value;
}

export function bodySourceOf(value: unknown): BodySource | undefined {
  return typeof value === 'object' && value !== null ? sources.get(value) : undefined;
}
