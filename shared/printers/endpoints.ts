import { int, objs, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

const MAX_SHOWN = 3;

/** net.JoinHostPort: IPv6 addresses are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** printers.go formatEndpoints: the first three `ip:port` pairs, then "+ N more...". */
export function formatEndpoints(subsets: unknown): string {
  const ss = objs(subsets);
  if (ss.length === 0) return '<none>';
  const shown: string[] = [];
  let more = false;
  let count = 0;
  for (const subset of ss) {
    const addresses = objs(subset.addresses);
    const ports = objs(subset.ports);
    // Headless services may have no ports: list bare addresses.
    const perPort = ports.length ? ports.map((p) => (ip: string) => joinHostPort(ip, int(p.port))) : [(ip: string) => ip];
    for (const render of perPort) {
      count += addresses.length;
      for (const addr of addresses) {
        if (shown.length === MAX_SHOWN) {
          more = true;
          break;
        }
        shown.push(render(str(addr.ip)));
      }
    }
  }
  const joined = shown.join(',');
  return more ? `${joined} + ${count - MAX_SHOWN} more...` : joined;
}

export const endpointsPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.'),
    AGE_COLUMN,
  ],
  cells(ep, now) {
    return [ep.metadata.name ?? '', formatEndpoints(ep.subsets), ageCell(ep, now)];
  },
};
