import type { KubeObject } from '../object.js';
import type { Overriders } from '../karmada/override-policy.js';

/** The names of the overrider lists in an Overriders block. */
export type OverriderName = keyof Overriders;

/** One entry of the named overrider list (an ImageOverrider, a PlaintextOverrider, …). */
export type OverriderItem<K extends OverriderName> = NonNullable<Overriders[K]>[number];

/**
 * One kind of overrider: given a manifest and one entry of its list, returns the changed
 * manifest. Never mutates the manifest it is given, so a failure leaves the caller's copy whole.
 */
export interface Overrider<K extends OverriderName> {
  readonly name: K;
  apply(manifest: KubeObject, item: OverriderItem<K>): KubeObject;
}

/**
 * Why one overrider entry could not be applied, and where: `path` is the JSON pointer into
 * the manifest (or into the embedded document, for a fieldOverrider's subPath) that failed.
 * The entry point adds the policy and overrider names before it reaches a user.
 */
export class OverriderFailure extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'OverriderFailure';
  }
}
