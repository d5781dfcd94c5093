import type { KubeObject } from '../object.js';
import { objs, obj, str } from './json.js';
import { byteOrder } from './labels.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: KubeObject): string {
  // The last condition of a type wins, as upstream builds a map from the list.
  const ready = objs(obj(node.status).conditions).filter((c) => c.type === 'Ready').pop();
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (obj(node.spec).unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** ROLES: from node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role label. */
export function nodeRoles(labels: unknown): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(labels))) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_ROLE_LABEL && str(v) !== '') {
      roles.add(str(v));
    }
  }
  return roles.size ? [...roles].sort(byteOrder).join(',') : '<none>';
}

function address(status: Record<string, unknown>, type: string): string {
  const a = objs(status.addresses).find((x) => x.type === type);
  return a ? str(a.address) : '<none>';
}

function orUnknown(s: string): string {
  return s === '' ? '<unknown>' : s;
}

export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  cells(node, now) {
    const status = obj(node.status);
    const info = obj(status.nodeInfo);
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node.metadata.labels),
      ageCell(node, now),
      str(info.kubeletVersion),
      address(status, 'InternalIP'),
      address(status, 'ExternalIP'),
      orUnknown(str(info.osImage)),
      orUnknown(str(info.kernelVersion)),
      orUnknown(str(info.containerRuntimeVersion)),
    ];
  },
};
