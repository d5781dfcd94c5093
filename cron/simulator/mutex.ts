/**
 * Runs one task at a time, in order. The simulated scheduler places pods against capacity it
 * has just counted; two passes at once (a nudge and a timer) could both give away the last
 * room on a node.
 */
export function createMutex(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
