import { humanDuration } from '../time.js';
import { formatLabelSelector } from './format-label-selector.js';
import { int, isSet, obj, objs, type JsonObject } from './json.js';
import { layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell, parseTime } from './timestamp.js';

/** The first condition of the type decides, as printers.go hasJobCondition does. */
function hasJobCondition(status: JsonObject, type: string): boolean {
  const c = objs(status.conditions).find((x) => x.type === type);
  return c?.status === 'True';
}

/** The STATUS column: finished states first, then deletion, suspension and pending failure. */
export function jobStatus(job: { metadata: { deletionTimestamp?: string | null } }, status: JsonObject): string {
  if (hasJobCondition(status, 'Complete')) return 'Complete';
  if (hasJobCondition(status, 'Failed')) return 'Failed';
  if (isSet(job.metadata.deletionTimestamp)) return 'Terminating';
  if (hasJobCondition(status, 'Suspended')) return 'Suspended';
  if (hasJobCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** COMPLETIONS: succeeded/completions, or "n/1 of p" for a work queue with parallelism > 1. */
export function jobCompletions(spec: JsonObject, status: JsonObject): string {
  const succeeded = int(status.succeeded);
  // Defaulting sets completions and parallelism to 1 when both are unset.
  if (isSet(spec.completions)) return `${succeeded}/${int(spec.completions)}`;
  const parallelism = isSet(spec.parallelism) ? int(spec.parallelism) : 1;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** DURATION: start to completion, or start to now while running; empty before it starts. */
export function jobDuration(status: JsonObject, now: number): string {
  const start = parseTime(status.startTime);
  if (start === undefined) return '';
  const end = parseTime(status.completionTime);
  return humanDuration((end ?? now) - start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you.', 1),
  ],
  cells(job, now) {
    const spec = obj(job.spec);
    const status = obj(job.status);
    const [names, images] = layoutContainerCells(templateContainers(spec.template));
    return [
      job.metadata.name ?? '',
      jobStatus(job, status),
      jobCompletions(spec, status),
      jobDuration(status, now),
      ageCell(job, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ];
  },
};
