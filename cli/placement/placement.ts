// What `flotilla placement` does once its arguments are parsed: names the binding (or reads
// the policy file), asks the control plane's placement subresource, prints the report.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { asCommand, controlPlaneClient } from '../cluster/command-support.js';
import { CommandError, UsageError } from '../command.js';
import { bindingName } from '../../shared/binding/names.js';
import { formatPlacementReport, type PlacementReport } from '../../shared/binding/placement-report.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';

export interface PlacementFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  namespace?: string | undefined;
  filename?: string | undefined;
  output?: string | undefined;
}

export interface BindingTarget {
  resource: 'resourcebindings' | 'clusterresourcebindings';
  namespace?: string;
  name: string;
}

const registry = createBuiltinRegistry();

/**
 * The binding a `KIND/NAME` argument names: `rb/NAME` and `crb/NAME` name bindings themselves;
 * anything else is a resource template (kind, plural, singular or short name), whose binding
 * is `<name>-<kind>` as the detector names it.
 */
export function bindingTarget(arg: string, namespace: string): BindingTarget {
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) throw new UsageError(`flotilla placement: expected KIND/NAME, got ${JSON.stringify(arg)}`);
  const word = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  const lower = word.toLowerCase();
  if (['rb', 'resourcebinding', 'resourcebindings'].includes(lower)) return { resource: 'resourcebindings', namespace, name };
  if (['crb', 'clusterresourcebinding', 'clusterresourcebindings'].includes(lower)) return { resource: 'clusterresourcebindings', name };
  const dot = lower.indexOf('.');
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  const type =
    registry.byShortName(base) ??
    registry.all().find((t) => (group === undefined || t.group === group) && (t.resource === base || t.singular === base || t.kind.toLowerCase() === base));
  const kind = type?.kind ?? word;
  const namespaced = type?.namespaced ?? true;
  return namespaced ? { resource: 'resourcebindings', namespace, name: bindingName(kind, name) } : { resource: 'clusterresourcebindings', name: bindingName(kind, name) };
}

export function bindingPlacementPath(t: BindingTarget): string {
  const ns = t.resource === 'resourcebindings' ? `namespaces/${encodeURIComponent(t.namespace ?? 'default')}/` : '';
  return `/apis/work.karmada.io/v1alpha2/${ns}${t.resource}/${encodeURIComponent(t.name)}/placement`;
}

/** The policies in a file (YAML or JSON, several documents allowed), as the placement subresource takes them. */
export function policiesIn(text: string, namespace: string): Array<{ path: string; body: Record<string, unknown> }> {
  const out: Array<{ path: string; body: Record<string, unknown> }> = [];
  for (const doc of parseAllDocuments(text)) {
    const obj = doc.toJSON() as Record<string, unknown> | null;
    if (!obj) continue;
    const kind = obj.kind;
    const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
    const name = encodeURIComponent(meta.name || 'dry-run');
    if (kind === 'PropagationPolicy') {
      out.push({ path: `/apis/policy.karmada.io/v1alpha1/namespaces/${encodeURIComponent(meta.namespace || namespace)}/propagationpolicies/${name}/placement`, body: obj });
    } else if (kind === 'ClusterPropagationPolicy') {
      out.push({ path: `/apis/policy.karmada.io/v1alpha1/clusterpropagationpolicies/${name}/placement`, body: obj });
    }
  }
  if (out.length === 0) throw new UsageError('flotilla placement -f: the file holds no PropagationPolicy or ClusterPropagationPolicy');
  return out;
}

export async function runPlacement(flags: PlacementFlags, positionals: string[], invocationDir: string): Promise<number> {
  const cp = controlPlaneClient(flags, invocationDir);
  const namespace = flags.namespace || 'default';
  const output = flags.output ?? '';
  if (output && output !== 'json') throw new UsageError(`flotilla placement: unsupported output ${JSON.stringify(output)} (only json)`);
  const reports: PlacementReport[] = [];
  if (flags.filename) {
    if (positionals.length) throw new UsageError('flotilla placement: give either KIND/NAME or -f FILE, not both');
    let text: string;
    try {
      text = readFileSync(resolve(invocationDir, flags.filename), 'utf8');
    } catch (e) {
      throw new CommandError(`cannot read ${flags.filename}: ${(e as Error).message}`);
    }
    for (const p of policiesIn(text, namespace)) {
      const list = await asCommand(() => cp.call<{ items: PlacementReport[] }>('POST', p.path, p.body));
      reports.push(...list.items);
    }
    if (reports.length === 0 && !output) process.stdout.write('The policy selects no resource template.\n');
  } else {
    if (positionals.length !== 1) throw new UsageError('flotilla placement: exactly one KIND/NAME (or -f FILE) is required');
    const target = bindingTarget(positionals[0]!, namespace);
    reports.push(await asCommand(() => cp.call<PlacementReport>('GET', bindingPlacementPath(target))));
  }
  if (output === 'json') process.stdout.write(`${JSON.stringify(flags.filename ? { items: reports } : reports[0], null, 2)}\n`);
  else process.stdout.write(reports.map(formatPlacementReport).join('\n\n') + (reports.length ? '\n' : ''));
  return 0;
}
