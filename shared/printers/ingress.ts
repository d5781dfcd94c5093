import { isSet, obj, objs, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { loadBalancerIngress } from './service.js';
import { ageCell } from './timestamp.js';

const MAX_HOSTS = 3;

/** HOSTS: the first three rule hosts, "*" for none, then "+ N more..." counting all rules. */
export function formatHosts(rules: unknown): string {
  const rs = objs(rules);
  const hosts: string[] = [];
  let more = false;
  for (const rule of rs) {
    if (hosts.length === MAX_HOSTS) more = true;
    if (!more && str(rule.host) !== '') hosts.push(str(rule.host));
  }
  if (hosts.length === 0) return '*';
  const joined = hosts.join(',');
  return more ? `${joined} + ${rs.length - MAX_HOSTS} more...` : joined;
}

export const ingressPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  cells(ing, now) {
    const spec = obj(ing.spec);
    return [
      ing.metadata.name ?? '',
      isSet(spec.ingressClassName) ? str(spec.ingressClassName) : '<none>',
      formatHosts(spec.rules),
      loadBalancerIngress(obj(ing.status).loadBalancer),
      objs(spec.tls).length ? '80, 443' : '80',
      ageCell(ing, now),
    ];
  },
};
