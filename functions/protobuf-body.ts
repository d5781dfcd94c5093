import { errors } from '../shared/status.js';

type Decoder = (body: Uint8Array) => Record<string, unknown>;

let decoder: Promise<Decoder | undefined> | undefined;

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body through functions/protobuf.ts, loaded
 * on first use so the generated message code costs nothing until kubectl sends protobuf.
 */
export async function decodeProtobufBody(body: Uint8Array): Promise<Record<string, unknown>> {
  decoder ??= import('./protobuf.js').then(
    (m: { decodeKubernetesProtobuf?: Decoder }) => m.decodeKubernetesProtobuf,
    () => undefined,
  );
  const decode = await decoder;
  if (!decode) throw errors.unsupportedMediaType('application/vnd.kubernetes.protobuf');
  try {
    return decode(body);
  } catch (e) {
    if (e && typeof e === 'object' && 'status' in e) throw e;
    throw errors.badRequest(`error decoding protobuf body: ${e instanceof Error ? e.message : String(e)}`);
  }
}
