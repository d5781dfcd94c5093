/**
 * Switches of Karmada's webhook and controllers that change what admission does. The
 * defaults are Karmada's, except where a controller Flotilla does not run yet would be
 * needed to undo what admission adds.
 */
export interface KarmadaAdmissionOptions {
  /** karmada-webhook --allow-no-execute-taint-policy (default false): ClusterTaintPolicies may add NoExecute taints. */
  allowNoExecuteTaintPolicy: boolean;
  /**
   * Karmada's webhook puts a finalizer on new (Cluster)PropagationPolicies that its detector
   * removes after releasing the policy's templates. Off until Flotilla's detector does that,
   * or deleting a policy would never finish.
   */
  policyFinalizers: boolean;
}

export const defaultKarmadaAdmissionOptions: KarmadaAdmissionOptions = {
  allowNoExecuteTaintPolicy: false,
  policyFinalizers: false,
};
