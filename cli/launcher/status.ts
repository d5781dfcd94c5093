// Live status lines while `up` starts: one line per step, ✓ with what it found and how long
// it took, ✗ when it failed. On a terminal a running step shows as "… label" and is replaced
// by its result; steps may run concurrently, so only one pending line is shown at a time.

export interface StatusReporter {
  /** Runs `fn` as a step; its result's `detail` is printed after the label. */
  step<T>(label: string, fn: () => Promise<T>, detail?: (result: T) => string): Promise<T>;
  info(line: string): void;
  warn(line: string): void;
}

export function createStatusReporter(out: NodeJS.WriteStream, verbose: boolean): StatusReporter {
  const tty = out.isTTY === true;
  const pending: string[] = [];
  /** The pending label currently on screen without a newline (terminal only). */
  let shown: string | undefined;

  const clearShown = (): void => {
    if (shown !== undefined) out.write('\r\x1b[2K');
    shown = undefined;
  };
  const showNextPending = (): void => {
    if (tty && shown === undefined && pending.length > 0) {
      shown = pending[0]!;
      out.write(`  … ${shown}`);
    }
  };
  const line = (text: string): void => {
    clearShown();
    out.write(`${text}\n`);
    showNextPending();
  };

  return {
    async step(label, fn, detail) {
      const started = performance.now();
      pending.push(label);
      if (tty) showNextPending();
      else if (verbose) out.write(`  … ${label}\n`);
      const done = (): void => {
        pending.splice(pending.indexOf(label), 1);
      };
      try {
        const result = await fn();
        done();
        const extra = detail ? detail(result) : '';
        line(`✓ ${label}${extra ? ` — ${extra}` : ''} (${Math.round(performance.now() - started)} ms)`);
        return result;
      } catch (err) {
        done();
        line(`✗ ${label}`);
        throw err;
      }
    },
    info: line,
    warn: (text) => line(`! ${text}`),
  };
}
