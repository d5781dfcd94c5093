import { karmadaAdmissionPlugins } from '../karmada/admission/index.js';
import { rbacAdmissionPlugins } from '../rbac/admission.js';
import type { AdmissionPlugin } from './plugin.js';

export * from './plugin.js';

/** Every admission plugin the API server runs, in order. A kind with admission adds its plugins here. */
export const admissionPlugins: readonly AdmissionPlugin[] = [...karmadaAdmissionPlugins(), ...rbacAdmissionPlugins()];
