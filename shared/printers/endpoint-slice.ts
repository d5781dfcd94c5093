import { int, isSet, list, objs, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

const MAX_SHOWN = 3;

/** printers.go listWithMoreString: "a,b,c + N more...", "<unset>" when empty. */
function listWithMore(shown: string[], count: number): string {
  const joined = shown.join(',');
  if (count > MAX_SHOWN) return `${joined} + ${count - MAX_SHOWN} more...`;
  return joined === '' ? '<unset>' : joined;
}

/** PORTS: each port's number, else its name, else "*" (all ports). */
export function formatDiscoveryPorts(ports: unknown): string {
  const all = objs(ports).map((p) => (isSet(p.port) ? String(int(p.port)) : isSet(p.name) ? str(p.name) : '*'));
  return listWithMore(all.slice(0, MAX_SHOWN), all.length);
}

/** ENDPOINTS: every endpoint's addresses, flattened. */
export function formatDiscoveryEndpoints(endpoints: unknown): string {
  const all = objs(endpoints).flatMap((e) => list(e.addresses).map(str));
  return listWithMore(all.slice(0, MAX_SHOWN), all.length);
}

export const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    AGE_COLUMN,
  ],
  cells(slice, now) {
    return [
      slice.metadata.name ?? '',
      str(slice.addressType),
      formatDiscoveryPorts(slice.ports),
      formatDiscoveryEndpoints(slice.endpoints),
      ageCell(slice, now),
    ];
  },
};
