import { formatLabelSelector } from './format-label-selector.js';
import { isSet, list, obj, str } from './json.js';
import { layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell, translateTimestampSince } from './timestamp.js';

export const cronJobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process.'),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you.', 1),
  ],
  cells(cj, now) {
    const spec = obj(cj.spec);
    const status = obj(cj.status);
    const jobSpec = obj(obj(spec.jobTemplate).spec);
    const [names, images] = layoutContainerCells(templateContainers(jobSpec.template));
    // Defaulting sets suspend to false, so a stored object without it prints False, not <unset>.
    const suspend = typeof spec.suspend === 'boolean' ? spec.suspend : false;
    return [
      cj.metadata.name ?? '',
      str(spec.schedule),
      isSet(spec.timeZone) ? str(spec.timeZone) : '<none>',
      suspend ? 'True' : 'False',
      list(status.active).length,
      isSet(status.lastScheduleTime) ? translateTimestampSince(status.lastScheduleTime, now) : '<none>',
      ageCell(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector),
    ];
  },
};
