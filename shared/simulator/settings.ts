// How a simulated member cluster behaves: the delays between the steps a real cluster goes
// through, and the address ranges it hands out. Nothing runs: these only shape the status
// the simulator writes.

import { z } from 'zod';

export const simulatorSettingsSchema = z.object({
  /** From a pod's binding to Running (image pull and container start on a real node). */
  podStartDelayMs: z.number().int().min(0).default(1000),
  /** How long a Job's pod runs before it succeeds. */
  jobDurationMs: z.number().int().min(0).default(5000),
  /** From a LoadBalancer Service (or an Ingress) appearing to its ingress address. */
  loadBalancerDelayMs: z.number().int().min(0).default(1000),
  /** From a PersistentVolumeClaim appearing to Bound (dynamic provisioning). */
  volumeBindDelayMs: z.number().int().min(0).default(500),
  /**
   * Which member this is (1 for member1): the second octet of its node, pod and load balancer
   * addresses, so addresses differ between members as they would between real clusters.
   */
  memberIndex: z.number().int().min(0).max(255).default(1),
});

export type SimulatorSettings = z.infer<typeof simulatorSettingsSchema>;
export type SimulatorSettingsInput = z.input<typeof simulatorSettingsSchema>;

export function simulatorSettings(input: SimulatorSettingsInput = {}): SimulatorSettings {
  return simulatorSettingsSchema.parse(input);
}
