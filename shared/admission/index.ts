import { karmadaAdmissionPlugins, type KarmadaAdmissionOptions } from '../karmada/admission/index.js';
import { defaultKarmadaAdmissionOptions } from '../karmada/admission/options.js';
import { rbacAdmissionPlugins } from '../rbac/admission.js';
import type { AdmissionPlugin } from './plugin.js';

export * from './plugin.js';

/** Every admission plugin the API server runs, in order. A kind with admission adds its plugins here. */
export const admissionPlugins: readonly AdmissionPlugin[] = [...karmadaAdmissionPlugins(), ...rbacAdmissionPlugins()];

const byOptions = new Map<string, readonly AdmissionPlugin[]>();

/** The same chain with Karmada's webhook switches changed (e.g. `up` allows NoExecute taint policies); built once per setting. */
export function admissionPluginsWith(options: Partial<KarmadaAdmissionOptions> | undefined): readonly AdmissionPlugin[] {
  if (!options || Object.keys(options).length === 0) return admissionPlugins;
  const full = { ...defaultKarmadaAdmissionOptions, ...options };
  const id = JSON.stringify(full);
  let chain = byOptions.get(id);
  if (!chain) byOptions.set(id, (chain = [...karmadaAdmissionPlugins(full), ...rbacAdmissionPlugins()]));
  return chain;
}
