/** Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds elsewhere. */
export interface Progress {
  start(total: number): void;
  update(done: number, total: number): void;
  finish(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number): string => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** One progress line: counts, rate and ETA from the rate so far. */
export function progressLine(done: number, total: number, elapsedSeconds: number, width = 0): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const bar = width > 0 ? `[${'#'.repeat(Math.round((width * done) / Math.max(total, 1))).padEnd(width, '.')}] ` : '';
  return `${bar}${done}/${total} (${pct}%)  ${rate.toFixed(1)} images/s  ETA ${formatDuration(eta)}`;
}

export function createProgress(stream: NodeJS.WriteStream, options: { quiet: boolean; intervalMs?: number }): Progress {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? (tty ? 100 : 5000);
  let last = -Infinity;
  let drawn = false;
  return {
    start(total) {
      if (!options.quiet) stream.write(`${total} images to embed\n`);
    },
    update(done, total) {
      const now = performance.now();
      if (options.quiet || (now - last < interval && done < total)) return;
      last = now;
      if (tty) {
        stream.write(`\r${progressLine(done, total, elapsed(), 30)}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${progressLine(done, total, elapsed())}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}

/** Progress of a job in phases (the map build): a line when a phase starts, and every `every` steps of a long one. */
export function createPhaseProgress(stream: NodeJS.WriteStream, options: { quiet: boolean; every?: number }): (p: { phase: string; done: number; total: number }) => void {
  const every = options.every ?? 50;
  let current: string | undefined;
  let printed = 0;
  return ({ phase, done, total }) => {
    if (options.quiet) return;
    if (phase !== current) {
      current = phase;
      printed = 0;
      stream.write(`${phase}…\n`);
    } else if (total > 1 && (Math.floor(done / every) > Math.floor(printed / every) || (done === total && printed < total))) {
      printed = done;
      stream.write(`  ${phase} ${done}/${total}\n`);
    }
  };
}
