/** Karmada's API groups (cluster, policy, work, config, autoscaling, networking, apps, …): Flotilla serves them all. */
const KARMADA_GROUP = /(^|\.)karmada\.io$/;

/**
 * Whether a CRD may not define resources in `group` because Flotilla serves the group
 * itself: a built-in group (`builtin` says whether a built-in kind is in it) or any of
 * Karmada's `*.karmada.io` groups, served whether or not each kind exists yet.
 */
export function isServedByFlotilla(group: string, builtin: boolean): boolean {
  return builtin || group === '' || KARMADA_GROUP.test(group);
}
