import { Streamed, type CommandContext } from '../../../src/shell/command.js';
import { failIfError, guestScript } from '../../../src/live/guest-run.js';
import { WATCH_SAMPLE } from '../../../src/live/scripts.js';
import { readingFrom, type Reading } from '../../../src/monitoring/sample.js';
import { Ring, windowCapacity } from '../../../src/monitoring/history.js';
import type { ViewOptions } from '../../../src/monitoring/view.js';
import { CliError } from '../../../src/util/errors.js';
import { parseCount, parseSeconds } from '../../../src/util/option-values.js';
import { abortableSleep } from '../../../src/util/sleep.js';

// `metrics --watch` and `bandwidth --watch`: read the guest's counters once as a baseline, then
// every SECONDS (host sleep between round trips, so Ctrl-C stops it at once) make a sample of
// what changed, and stream it: one JSON line with --json, a view redrawn in place on a terminal,
// rows in a pipe. Ctrl-C ends the watch normally, as it ends `ping`, `top` (q) or `watch`:
// what was shown is the result, the status is 0. --count N stops after N samples.

/** Graphs cover this much time. */
export const WINDOW_SECONDS = 300;

export const WATCH_OPTIONS = {
  watch: { type: 'string', valueName: 'SECONDS', description: 'sample every SECONDS until Ctrl-C: a refreshing view with graphs on a terminal, one JSON line per sample with --json' },
  count: { type: 'string', valueName: 'N', description: 'with --watch: stop after N samples' },
} as const;

export interface WatchSpec {
  interval: number;
  count: number | undefined;
}

/** --watch and --count, or null when there is no --watch (and then no --count either). */
export function watchSpec(watch: string | undefined, count: string | undefined): WatchSpec | null {
  if (watch === undefined) {
    if (count !== undefined) throw new CliError('usage', '--count needs --watch SECONDS');
    return null;
  }
  return { interval: parseSeconds(watch, 1, '--watch', 3600), count: count === undefined ? undefined : parseCount(count, 1, '--count') };
}

export interface WatchView<S> {
  /** The sample between two readings. */
  sample(prev: Reading, cur: Reading, time: Date): S;
  /** Lines redrawn on a terminal (the ring holds the window, newest last; empty before the first sample). */
  view(ring: Ring<S>, o: ViewOptions): string[];
  /** A pipe: the header printed once, then rows per sample. */
  header: string;
  rows(sample: S): string[];
}

async function read(ctx: CommandContext, interval: number): Promise<Reading> {
  const r = await guestScript(ctx, WATCH_SAMPLE, [], (interval + 60) * 1000);
  failIfError(r, 'reading the guest counters');
  return readingFrom(r.stdout);
}

/** Runs the watch until --count samples or Ctrl-C; returns the window's samples (for ctx.invoke callers), already printed. */
export async function runWatch<S>(ctx: CommandContext, spec: WatchSpec, v: WatchView<S>): Promise<Streamed<S[]>> {
  const ring = new Ring<S>(windowCapacity(spec.interval, WINDOW_SECONDS));
  const out = ctx.out;
  const region = out.isTTY ? out.terminal.liveRegion() : null;
  const viewOptions = (): ViewOptions => ({ interval: spec.interval, width: out.terminal.columns, height: out.terminal.rows });
  const cancelled = (err: unknown) => ctx.signal.aborted && (!(err instanceof CliError) || err.code === 'cancelled');
  region?.draw(v.view(ring, viewOptions()));
  const ms = spec.interval * 1000;
  let taken = 0;
  try {
    let prev = await read(ctx, spec.interval);
    let next = Date.now();
    while (spec.count === undefined || taken < spec.count) {
      next += ms;
      await abortableSleep(next - Date.now(), ctx.signal);
      if (ctx.signal.aborted) break;
      // A round trip slower than the interval: the next sample follows at once, no catching up.
      if (next < Date.now()) next = Date.now();
      const cur = await read(ctx, spec.interval);
      const s = v.sample(prev, cur, new Date());
      prev = cur;
      ring.push(s);
      taken++;
      if (out.json) out.jsonLine(s);
      else if (region) region.draw(v.view(ring, viewOptions()));
      else {
        if (taken === 1) out.line(v.header);
        for (const row of v.rows(s)) out.line(row);
      }
    }
  } catch (err) {
    if (!cancelled(err)) throw err;
  }
  return new Streamed(ring.toArray());
}
