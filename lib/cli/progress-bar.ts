// Upload progress on stderr. On a terminal: one line redrawn in place at most 10 times a second.
// Elsewhere (pipes, CI logs): a plain line every few seconds, never a control character.
import { formatBytes, formatDuration, formatRate } from './format.js';

export interface ProgressSnapshot {
  bytesDone: number;
  totalBytes: number;
  partsDone: number;
  totalParts: number;
}

/**
 * A snapshot from the engine's (sentBytes, totalBytes): parts done counted as whole parts' worth
 * of bytes, exact at the end and close enough while parts are in flight.
 */
export function progressSnapshot(sentBytes: number, totalBytes: number, totalParts: number): ProgressSnapshot {
  const partsDone = sentBytes >= totalBytes ? totalParts : Math.min(totalParts - 1, Math.floor(sentBytes / (totalBytes / totalParts)));
  return { bytesDone: sentBytes, totalBytes, partsDone, totalParts };
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressBarOptions {
  /** Defaults to the stream's own isTTY. */
  tty?: boolean | undefined;
  now?: (() => number) | undefined;
  /** TTY redraw interval; 100 ms = 10 Hz. */
  redrawMs?: number | undefined;
  /** Interval between plain lines when not on a TTY. */
  plainLineMs?: number | undefined;
  /** TTY redraw interval while the server completes the upload (the elapsed time ticks). */
  completingRedrawMs?: number | undefined;
}

/** Speed is measured over this trailing window so it follows changes without jumping per chunk. */
const SPEED_WINDOW_MS = 5000;

export class ProgressBar {
  readonly #out: ProgressOutput;
  readonly #tty: boolean;
  readonly #now: () => number;
  readonly #redrawMs: number;
  readonly #plainLineMs: number;
  readonly #completingRedrawMs: number;
  #samples: Array<{ at: number; bytes: number }> = [];
  #firstSample: { at: number; bytes: number } | undefined;
  #lastDrawAt = -Infinity;
  #drawn = false;
  #latest: ProgressSnapshot | undefined;
  /** While the server completes the upload: when that began, and the timer that redraws the wait. */
  #completing: { since: number; timer: NodeJS.Timeout } | undefined;
  /** Shown instead of the stats while the upload waits for the network; see status(). */
  #status: string | undefined;
  #lastStatusLineAt = -Infinity;

  constructor(out: ProgressOutput, options: ProgressBarOptions = {}) {
    this.#out = out;
    this.#tty = options.tty ?? out.isTTY === true;
    this.#now = options.now ?? Date.now;
    this.#redrawMs = options.redrawMs ?? 100;
    this.#plainLineMs = options.plainLineMs ?? 5000;
    this.#completingRedrawMs = options.completingRedrawMs ?? 1000;
  }

  update(snapshot: ProgressSnapshot): void {
    const at = this.#now();
    this.#latest = snapshot;
    this.#record(at, snapshot.bytesDone);
    const interval = this.#tty ? this.#redrawMs : this.#plainLineMs;
    // The first plain line waits a full interval: short uploads should print only their result.
    if (!this.#tty && this.#lastDrawAt === -Infinity) this.#lastDrawAt = at;
    if (at - this.#lastDrawAt < interval) return;
    this.#lastDrawAt = at;
    this.#draw(snapshot);
  }

  /**
   * Every byte is sent and the server is completing the upload (seconds for a large object): the
   * line says so, with the time waited, redrawn on its own since no progress events come meanwhile.
   */
  completing(): void {
    if (this.#completing || !this.#latest) return;
    const since = this.#now();
    const timer = setInterval(() => this.#draw(this.#latest!), this.#tty ? this.#completingRedrawMs : this.#plainLineMs);
    timer.unref();
    this.#completing = { since, timer };
    this.#draw(this.#latest);
  }

  /**
   * While the upload waits (an outage), a text such as 'network unreachable, retry 3 in 8 s; 41%
   * kept' replaces the stats, so the line never looks frozen; undefined brings the stats back.
   * On a terminal it redraws at once; elsewhere it prints at most one line per plain-line interval.
   */
  status(text: string | undefined): void {
    this.#status = text;
    if (text === undefined || !this.#latest) return;
    if (this.#tty) return this.#draw(this.#latest);
    const at = this.#now();
    if (at - this.#lastStatusLineAt < this.#plainLineMs) return;
    this.#lastStatusLineAt = at;
    this.#out.write(`${text}\n`);
  }

  /** Draw the final state, with the average send speed, and leave the cursor on a fresh line. */
  finish(snapshot: ProgressSnapshot | undefined = this.#latest): void {
    this.#stopCompleting();
    this.#status = undefined;
    if (snapshot) {
      // No new sample when nothing more was sent: the wait for Complete is not send time.
      if (snapshot.bytesDone !== this.#samples.at(-1)?.bytes) this.#record(this.#now(), snapshot.bytesDone);
      if (this.#tty || this.#drawn) this.#draw(snapshot, this.averageSpeed());
    }
    this.clear();
  }

  #stopCompleting(): void {
    if (this.#completing) clearInterval(this.#completing.timer);
    this.#completing = undefined;
  }

  /** Move off the bar's line so other output starts on a clean line; the bar redraws on the next update. */
  clear(): void {
    this.#stopCompleting();
    if (this.#tty && this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }

  /** Bytes per second over the trailing window (0 until there are two samples). */
  speed(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return Math.max(0, (last.bytes - first.bytes) / ((last.at - first.at) / 1000));
  }

  /** Bytes per second since the first update (bytes that were already there at the start excluded). */
  averageSpeed(): number {
    const first = this.#firstSample;
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return Math.max(0, (last.bytes - first.bytes) / ((last.at - first.at) / 1000));
  }

  #record(at: number, bytes: number): void {
    this.#firstSample ??= { at, bytes };
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[1]!.at >= SPEED_WINDOW_MS) this.#samples.shift();
  }

  #draw(snapshot: ProgressSnapshot, bytesPerSecond = this.speed()): void {
    const completingFor = this.#completing ? (this.#now() - this.#completing.since) / 1000 : undefined;
    if (this.#tty) {
      const width = (this.#out.columns ?? 80) - 1;
      const line = this.#status === undefined ? renderBarLine(snapshot, bytesPerSecond, width, completingFor) : `${percent(snapshot).toFixed(1).padStart(5)}%  ${this.#status}`.slice(0, Math.max(0, width));
      // \r back to column 0, the line, then erase whatever a longer previous line left behind.
      this.#out.write(`\r${line}\x1b[K`);
    } else {
      this.#out.write(`${renderPlainLine(snapshot, bytesPerSecond, completingFor)}\n`);
    }
    this.#drawn = true;
  }
}

/** `completingFor`: seconds the server has been completing the upload, once every byte is sent. */
export function renderPlainLine(s: ProgressSnapshot, bytesPerSecond: number, completingFor?: number): string {
  if (completingFor !== undefined) return `100% ${formatBytes(s.totalBytes)} sent, completing… ${formatDuration(completingFor)}, parts ${s.partsDone}/${s.totalParts}`;
  return `${percent(s).toFixed(0)}% ${formatBytes(s.bytesDone)} of ${formatBytes(s.totalBytes)}, ${formatRate(bytesPerSecond)}, ETA ${eta(s, bytesPerSecond)}, parts ${s.partsDone}/${s.totalParts}`;
}

/** The narrowest the bar gets before fields are dropped to make room. */
const MIN_BAR_WIDTH = 10;

/**
 * '[#####-----]  45.2%  115.7 MiB/256.0 MiB  88.1 MiB/s  ETA 2s  parts 12/32' in at most `width`
 * columns: the bar shrinks, then whole fields go (parts, bytes, speed), never a cut number.
 */
export function renderBarLine(s: ProgressSnapshot, bytesPerSecond: number, width: number, completingFor?: number): string {
  const pct = `${percent(s).toFixed(1).padStart(5)}%`;
  const bytes = `${formatBytes(s.bytesDone)}/${formatBytes(s.totalBytes)}`;
  const parts = `parts ${s.partsDone}/${s.totalParts}`;
  const candidates =
    completingFor === undefined
      ? [
          [pct, bytes, formatRate(bytesPerSecond), `ETA ${eta(s, bytesPerSecond)}`, parts],
          [pct, bytes, formatRate(bytesPerSecond), `ETA ${eta(s, bytesPerSecond)}`],
          [pct, formatRate(bytesPerSecond), `ETA ${eta(s, bytesPerSecond)}`],
          [pct, `ETA ${eta(s, bytesPerSecond)}`],
          [pct],
        ]
      : [
          [pct, formatBytes(s.totalBytes), `completing… ${formatDuration(completingFor)}`, parts],
          [pct, `completing… ${formatDuration(completingFor)}`],
          [`completing… ${formatDuration(completingFor)}`],
        ];
  for (const fields of candidates) {
    const stats = fields.join('  ');
    const barWidth = Math.min(30, width - stats.length - 4);
    if (barWidth < MIN_BAR_WIDTH) continue;
    const filled = Math.round((percent(s) / 100) * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]  ${stats}`;
  }
  // Too narrow for any bar: the widest set of whole fields that fits.
  return candidates.map((fields) => fields.join('  ')).find((stats) => stats.length <= width) ?? '';
}

function percent(s: ProgressSnapshot): number {
  if (s.totalBytes <= 0) return 100;
  return Math.min(100, Math.max(0, (s.bytesDone / s.totalBytes) * 100));
}

function eta(s: ProgressSnapshot, bytesPerSecond: number): string {
  const remaining = s.totalBytes - s.bytesDone;
  if (remaining <= 0) return '0s';
  return bytesPerSecond > 0 ? formatDuration(remaining / bytesPerSecond) : '?';
}
