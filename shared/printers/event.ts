import { int, isSet, obj, str } from './json.js';
import { NAME_COLUMN, column, type Printer } from './printer.js';
import { parseTime, translateTimestampSince } from './timestamp.js';

/** SOURCE: component (or reportingController), then ", host" (or reportingInstance) when known. */
function eventSource(ev: Record<string, unknown>): string {
  const source = obj(ev.source);
  const component = str(source.component) || str(ev.reportingController);
  const instance = str(source.host) || str(ev.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

/**
 * Events print LAST SEEN first and their name only in wide output. Timestamps fall back
 * from the core/v1 fields to the events.k8s.io ones (eventTime, series) that newer
 * reporters fill instead.
 */
export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
    column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    column('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  cells(ev, now) {
    const first =
      parseTime(ev.firstTimestamp) !== undefined ? translateTimestampSince(ev.firstTimestamp, now) : translateTimestampSince(ev.eventTime, now);
    let last = parseTime(ev.lastTimestamp) !== undefined ? translateTimestampSince(ev.lastTimestamp, now) : first;
    let count = int(ev.count);
    if (isSet(ev.series)) {
      const series = obj(ev.series);
      last = translateTimestampSince(series.lastObservedTime, now);
      count = int(series.count);
    } else if (count === 0) {
      count = 1;
    }
    const involved = obj(ev.involvedObject);
    const kind = str(involved.kind).toLowerCase();
    const target = str(involved.name) !== '' ? `${kind}/${str(involved.name)}` : kind;
    return [
      last,
      str(ev.type),
      str(ev.reason),
      target,
      str(involved.fieldPath),
      eventSource(ev),
      str(ev.message).trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ];
  },
};
