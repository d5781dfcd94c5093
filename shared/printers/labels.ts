import { list, obj, str } from './json.js';

/** labels.FormatLabels: sorted `k=v` pairs joined by commas, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const pairs = Object.entries(obj(labels)).map(([k, v]) => `${k}=${str(v)}`);
  pairs.sort(byteOrder);
  return pairs.length ? pairs.join(',') : '<none>';
}

/** Go's sort.Strings order (bytes), which differs from localeCompare. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** printers.go layoutContainerCells: container names and images, comma-joined. */
export function layoutContainerCells(containers: unknown): [names: string, images: string] {
  const cs = list(containers).map(obj);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** The containers of a pod template (`spec.template` of a workload). */
export function templateContainers(template: unknown): unknown {
  return obj(obj(template).spec).containers;
}
