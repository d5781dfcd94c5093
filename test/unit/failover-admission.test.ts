// Failover on by default needs admission's switch: the default ClusterTaintPolicy `up` installs
// adds a NoExecute taint, which Karmada's webhook refuses unless allowNoExecuteTaintPolicy.

import { describe, expect, it } from 'vitest';
import { admissionPlugins, admissionPluginsWith, pluginsFor, runAdmission } from '../../shared/admission/index.js';
import type { KubeObject } from '../../shared/object.js';
import { defaultNotReadyTaintPolicy } from '../../cli/member/default-policies.js';

async function admit(chain: ReturnType<typeof admissionPluginsWith>, object: Record<string, unknown>) {
  const resource = 'clustertaintpolicies.policy.karmada.io';
  return runAdmission(
    pluginsFor(chain, resource),
    { operation: 'CREATE', resource, object: structuredClone(object) as KubeObject, newId: () => 'id', now: () => Date.parse('2025-01-01T00:00:00Z') },
    async () => [],
  );
}

describe('admission of the default not-ready policy', () => {
  it("is refused with Karmada's defaults and admitted once NoExecute taint policies are allowed", async () => {
    const refused = await admit(admissionPlugins, defaultNotReadyTaintPolicy());
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(JSON.stringify(refused.causes)).toContain('NoExecute');
    const ok = await admit(admissionPluginsWith({ allowNoExecuteTaintPolicy: true }), defaultNotReadyTaintPolicy());
    expect(ok.ok).toBe(true);
  });

  it('builds each option set once and keeps the default chain for no options', () => {
    expect(admissionPluginsWith(undefined)).toBe(admissionPlugins);
    expect(admissionPluginsWith({})).toBe(admissionPlugins);
    expect(admissionPluginsWith({ allowNoExecuteTaintPolicy: true })).toBe(admissionPluginsWith({ allowNoExecuteTaintPolicy: true }));
  });
});
