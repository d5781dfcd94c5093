// Queue keys for bindings, as the failover controllers spell them: `rb/<namespace>/<name>`
// for a ResourceBinding, `crb//<name>` for a ClusterResourceBinding (the binding controller's form).

export type BindingKind = 'rb' | 'crb';

export interface BindingRef {
  kind: BindingKind;
  namespace: string;
  name: string;
}

export function bindingKey(ref: BindingRef): string {
  return `${ref.kind}/${ref.kind === 'rb' ? ref.namespace : ''}/${ref.name}`;
}

export function parseBindingKey(key: string): BindingRef | undefined {
  const m = /^(rb|crb)\/([^/]*)\/(.+)$/.exec(key);
  if (!m) return undefined;
  return { kind: m[1] as BindingKind, namespace: m[1] === 'rb' ? m[2]! : '', name: m[3]! };
}
