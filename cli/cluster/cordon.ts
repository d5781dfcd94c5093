// What `flotilla cordon`, `uncordon` and `taint` do once their arguments are parsed.

import { asCommand, controlPlaneClient } from './command-support.js';
import { updateClusterTaints } from './cluster-taints.js';
import { applyTaintArgs, cordonTaints, type TaintArgs, type TaintOperation } from './taints.js';

interface ControlPlaneFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/** Cordons (or uncordons) one cluster; prints karmadactl's words. */
export async function runCordon(flags: ControlPlaneFlags, name: string, invocationDir: string, cordon: boolean): Promise<number> {
  const cp = controlPlaneClient(flags, invocationDir);
  const changed = await asCommand(() =>
    updateClusterTaints(cp, name, (taints) => {
      const next = cordonTaints(taints, cordon);
      return next ? { taints: next, result: true } : { result: false };
    }),
  );
  const word = cordon ? 'cordoned' : 'uncordoned';
  process.stdout.write(`cluster/${name} ${changed ? word : `already ${word}`}\n`);
  return 0;
}

/** Applies parsed taint arguments to one cluster; prints kubectl's words. */
export async function runTaint(flags: ControlPlaneFlags, name: string, invocationDir: string, args: TaintArgs, overwrite: boolean): Promise<number> {
  const cp = controlPlaneClient(flags, invocationDir);
  const operation = await asCommand(() =>
    updateClusterTaints<TaintOperation>(cp, name, (taints) => {
      const out = applyTaintArgs(name, taints, args, overwrite);
      return out.operation === 'unchanged' ? { result: out.operation } : { taints: out.taints, result: out.operation };
    }),
  );
  process.stdout.write(`cluster/${name} ${operation}\n`);
  return 0;
}
