// Miniflare never fires Cron Triggers itself, so `up` calls the worker's `scheduled` handler
// on an interval. A tick starts only after the previous one finished: a slow resync must not
// pile up concurrent copies of itself.

export const DEFAULT_CRON_INTERVAL_SECONDS = 5;

export interface CronTickerOptions {
  intervalMs: number;
  tick: () => Promise<unknown>;
  /** Called with each failed tick's error; the ticker keeps going. */
  onError: (err: unknown, consecutiveFailures: number) => void;
}

export interface CronTicker {
  readonly ticks: number;
  /** Stops scheduling and waits for a tick in flight. */
  stop(): Promise<void>;
}

export function startCronTicker({ intervalMs, tick, onError }: CronTickerOptions): CronTicker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let ticks = 0;
  let failures = 0;

  const run = (): void => {
    timer = undefined;
    inFlight = (async () => {
      try {
        await tick();
        failures = 0;
      } catch (err) {
        failures++;
        if (!stopped) onError(err, failures);
      } finally {
        ticks++;
      }
    })().finally(() => {
      inFlight = undefined;
      if (!stopped) timer = setTimeout(run, intervalMs);
    });
  };
  timer = setTimeout(run, intervalMs);

  return {
    get ticks() {
      return ticks;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
