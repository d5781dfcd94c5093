import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { endpointSlicePrinter } from '../../shared/printers/endpoint-slice.js';
import { endpointsPrinter } from '../../shared/printers/endpoints.js';
import { ingressClassPrinter } from '../../shared/printers/ingress-class.js';
import { ingressPrinter } from '../../shared/printers/ingress.js';
import { servicePrinter } from '../../shared/printers/service.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const meta = { name: 'web', creationTimestamp: '2025-06-01T11:00:00Z' };
const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: meta, spec, status });

describe('service printer', () => {
  it('has NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE and wide SELECTOR', () => {
    expect(servicePrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1],
    ]);
  });

  it('prints a ClusterIP service', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web', tier: 'fe' } });
    expect(servicePrinter.cells(s, NOW)).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '60m', 'app=web,tier=fe']);
  });

  it('prints node ports, external IPs, and <none> for missing IPs, ports and selectors', () => {
    const s = svc({ type: 'NodePort', clusterIPs: ['10.0.0.1'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    expect(servicePrinter.cells(s, NOW).slice(1, 5)).toEqual(['NodePort', '10.0.0.1', '1.2.3.4,5.6.7.8', '80:30080/TCP']);
    expect(servicePrinter.cells(svc({}), NOW)).toEqual(['web', 'ClusterIP', '<none>', '<none>', '<none>', '60m', '<none>']);
    expect(servicePrinter.cells(svc({ clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432 }] }), NOW).slice(2, 5)).toEqual(['None', '<none>', '5432/TCP']);
  });

  it('prints load balancer ingress sorted and deduplicated, <pending> without any', () => {
    const lb = (status: Record<string, unknown>, externalIPs?: string[]) =>
      servicePrinter.cells(svc({ type: 'LoadBalancer', clusterIPs: ['10.0.0.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }], ...(externalIPs ? { externalIPs } : {}) }, status), NOW)[3];
    expect(lb({})).toBe('<pending>');
    expect(lb({ loadBalancer: { ingress: [{ ip: '9.9.9.9' }, { hostname: 'lb.example.com' }, { ip: '1.1.1.1' }, { ip: '9.9.9.9' }] } })).toBe('1.1.1.1,9.9.9.9,lb.example.com');
    // Not clipped to 16 characters: the API server prints wide.
    expect(lb({ loadBalancer: { ingress: [{ hostname: 'a-very-long-load-balancer.example.com' }] } })).toBe('a-very-long-load-balancer.example.com');
    expect(lb({ loadBalancer: { ingress: [{ ip: '2.2.2.2' }] } }, ['3.3.3.3'])).toBe('2.2.2.2,3.3.3.3');
    expect(lb({}, ['3.3.3.3'])).toBe('3.3.3.3');
  });

  it('prints the external name of ExternalName services and <unknown> for other types', () => {
    expect(servicePrinter.cells(svc({ type: 'ExternalName', externalName: 'db.example.com' }), NOW).slice(1, 5)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>']);
    expect(servicePrinter.cells(svc({ type: 'Weird' }), NOW)[3]).toBe('<unknown>');
  });
});

describe('endpoints and endpoint slices', () => {
  it('lists the first three address:port pairs, then how many more', () => {
    const ep = (subsets: unknown): unknown[] => endpointsPrinter.cells({ metadata: meta, subsets }, NOW);
    expect(ep(undefined)).toEqual(['web', '<none>', '60m']);
    expect(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [{ port: 8080 }] }])[1]).toBe('10.0.0.1:8080,[fd00::1]:8080');
    expect(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }])[1]).toBe('10.0.0.1,10.0.0.2');
    expect(ep([{ addresses: [{ ip: 'a' }, { ip: 'b' }], ports: [{ port: 1 }, { port: 2 }, { port: 3 }] }])[1]).toBe('a:1,b:1,a:2 + 3 more...');
    expect(ep([{ ports: [{ port: 1 }] }])[1]).toBe('');
  });

  it('prints ADDRESSTYPE PORTS ENDPOINTS', () => {
    const slice: KubeObject = {
      metadata: meta,
      addressType: 'IPv4',
      ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9 }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3', '10.0.0.4'] }],
    };
    expect(endpointSlicePrinter.cells(slice, NOW)).toEqual(['web', 'IPv4', '80,metrics,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m']);
    expect(endpointSlicePrinter.cells({ metadata: meta, addressType: 'IPv6' }, NOW)).toEqual(['web', 'IPv6', '<unset>', '<unset>', '60m']);
  });
});

describe('ingress printers', () => {
  it('prints CLASS HOSTS ADDRESS PORTS AGE', () => {
    expect(ingressPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    const ing: KubeObject = {
      metadata: meta,
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
    };
    expect(ingressPrinter.cells(ing, NOW)).toEqual(['web', 'nginx', 'a.example.com,b.example.com', '203.0.113.7', '80, 443', '60m']);
    expect(ingressPrinter.cells({ metadata: meta, spec: { defaultBackend: {} } }, NOW)).toEqual(['web', '<none>', '*', '', '80', '60m']);
    const many = { metadata: meta, spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.io` })) } };
    expect(ingressPrinter.cells(many, NOW)[2]).toBe('a.io,b.io,c.io + 2 more...');
  });

  it('prints ingress class parameters as Kind.group/name', () => {
    const ic = (parameters?: unknown): unknown[] => ingressClassPrinter.cells({ metadata: meta, spec: { controller: 'k8s.io/ingress-nginx', ...(parameters ? { parameters } : {}) } }, NOW);
    expect(ic()).toEqual(['web', 'k8s.io/ingress-nginx', '<none>', '60m']);
    expect(ic({ apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' })[2]).toBe('IngressParameters.k8s.example.com/external-lb');
    expect(ic({ kind: 'ConfigMap', name: 'cfg' })[2]).toBe('ConfigMap/cfg');
  });
});
