// What the cluster commands share at run time: a control-plane client from their flags, and
// API and connection errors turned into one-line messages.

import { resolve } from 'node:path';
import { CommandError } from '../command.js';
import { isMemberError } from '../../shared/member/member-client.js';
import { isKubeApiError, KubeClient } from './kube-client.js';

/** The first path of a KUBECONFIG list, as the control plane's kubeconfig. */
function firstPath(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.split(':').find(Boolean);
}

export function controlPlaneClient(flags: { kubeconfig?: string | undefined; context?: string | undefined }, invocationDir: string): KubeClient {
  const file = firstPath(flags.kubeconfig);
  try {
    return KubeClient.from({ kubeconfig: file ? resolve(invocationDir, file) : undefined, context: flags.context }, 'the control plane');
  } catch (e) {
    throw new CommandError(`cannot use the control plane's kubeconfig: ${(e as Error).message}`);
  }
}

/** Runs `fn`, reporting an API refusal or an unreachable server as a CommandError. */
export async function asCommand<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CommandError) throw e;
    if (isKubeApiError(e)) throw new CommandError(`${e.message} (HTTP ${e.status}${e.reason ? ` ${e.reason}` : ''})`);
    if (isMemberError(e)) throw new CommandError(e.message);
    if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof ReferenceError)) throw new CommandError(e.message);
    throw e;
  }
}
