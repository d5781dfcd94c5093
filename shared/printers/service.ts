import { int, list, obj, objs, str, type JsonObject } from './json.js';
import { byteOrder, formatLabels } from './labels.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

/**
 * Load-balancer ingress points (IP, else hostname), de-duplicated and sorted as a Go
 * sets.String. Upstream clips this to 16 bytes when not wide, but the API server always
 * prints wide, so nothing is clipped here.
 */
export function loadBalancerIngress(loadBalancer: unknown): string {
  const seen = new Set<string>();
  for (const ing of objs(obj(loadBalancer).ingress)) {
    if (str(ing.ip) !== '') seen.add(str(ing.ip));
    else if (str(ing.hostname) !== '') seen.add(str(ing.hostname));
  }
  return [...seen].sort(byteOrder).join(',');
}

/** EXTERNAL-IP: spec.externalIPs, load-balancer ingress (or "<pending>"), or the external name. */
export function serviceExternalIP(spec: JsonObject, status: JsonObject): string {
  const externalIPs = list(spec.externalIPs).map(str);
  switch (serviceType(spec)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(status.loadBalancer);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** PORT(S): `port/protocol`, or `port:nodePort/protocol` when a node port is allocated. */
export function servicePorts(ports: unknown): string {
  return objs(ports)
    .map((p) => {
      // Defaulting makes TCP the protocol of a port that names none.
      const protocol = str(p.protocol) || 'TCP';
      const nodePort = int(p.nodePort);
      return nodePort > 0 ? `${int(p.port)}:${nodePort}/${protocol}` : `${int(p.port)}/${protocol}`;
    })
    .join(',');
}

/** Defaulting makes a service without a type a ClusterIP one. */
function serviceType(spec: JsonObject): string {
  return str(spec.type) || 'ClusterIP';
}

export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify.', 1),
  ],
  cells(svc, now) {
    const spec = obj(svc.spec);
    const status = obj(svc.status);
    // clusterIPs[0] mirrors clusterIP; older stored objects may carry only the latter.
    const clusterIP = str(list(spec.clusterIPs)[0]) || str(spec.clusterIP);
    return [
      svc.metadata.name ?? '',
      serviceType(spec),
      clusterIP || '<none>',
      serviceExternalIP(spec, status),
      servicePorts(spec.ports) || '<none>',
      ageCell(svc, now),
      formatLabels(spec.selector),
    ];
  },
};
