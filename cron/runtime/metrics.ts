// Prometheus metrics kept per isolate (per process in Node): counters and histograms of what
// this isolate did. Gauges of the queues themselves (depth, work in progress) are read from the
// database when scraped, so they are global. Module state holds plain numbers only.

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function labelId(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    const id = labelId(labels);
    const found = this.values.get(id);
    if (found) found.value += by;
    else this.values.set(id, { labels, value: by });
  }

  get(labels: Labels): number {
    return this.values.get(labelId(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${num(value)}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const id = labelId(labels);
    let s = this.series.get(id);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(id, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  count(labels: Labels): number {
    return this.series.get(labelId(labels))?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: num(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export function gaugeText(name: string, help: string, samples: ReadonlyArray<{ labels: Labels; value: number }>): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map((s) => `${name}${labelText(s.labels)} ${num(s.value)}`)].join('\n');
}

/** controller-runtime's workqueue buckets: 10 ns to 1000 s by powers of ten. */
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
/** kube-apiserver's apiserver_request_duration_seconds buckets. */
const APISERVER_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** The metrics client-go's workqueue and controller-runtime export, under their names. */
export const runtimeMetrics = {
  adds: new Counter('workqueue_adds_total', 'Total number of adds handled by workqueue'),
  retries: new Counter('workqueue_retries_total', 'Total number of retries handled by workqueue'),
  queueDuration: new Histogram('workqueue_queue_duration_seconds', 'How long in seconds an item stays in workqueue before being requested', WORKQUEUE_BUCKETS),
  workDuration: new Histogram('workqueue_work_duration_seconds', 'How long in seconds processing an item from workqueue takes', WORKQUEUE_BUCKETS),
  reconciles: new Counter('controller_runtime_reconcile_total', 'Total number of reconciliations per controller'),
  reconcileErrors: new Counter('controller_runtime_reconcile_errors_total', 'Total number of reconciliation errors per controller'),
};

export const apiserverMetrics = {
  requests: new Counter('apiserver_request_total', 'Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code'),
  duration: new Histogram('apiserver_request_duration_seconds', 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component', APISERVER_BUCKETS),
};

/** Labels of a workqueue series: client-go names the queue, controller-runtime adds the controller. */
export function queueLabels(reconciler: string): Labels {
  return { controller: reconciler, name: reconciler };
}

export function recordApiRequest(r: { verb: string; group: string; version: string; resource: string; subresource: string; scope: string; code: number; seconds: number }): void {
  const base = { verb: r.verb, group: r.group, version: r.version, resource: r.resource, subresource: r.subresource, scope: r.scope, component: 'apiserver' };
  apiserverMetrics.requests.inc({ ...base, code: String(r.code) });
  apiserverMetrics.duration.observe(base, r.seconds);
}
