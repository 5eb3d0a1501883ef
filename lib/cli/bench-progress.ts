// What `bench` shows while it runs, on stderr: the plan with its ETA, then on a terminal one line
// redrawn in place (the run, the configuration, the share of the work done, the ETA), elsewhere
// a plain line as each run finishes.
import { label, type BenchConfiguration, type ScheduledRun } from '../bench/plan.js';
import { mibPerSecond } from '../bench/report.js';
import type { MeasuredUpload } from '../bench/measure-upload.js';
import type { SweepListener, SweepPlan } from '../bench/sweep.js';
import { formatBytes, formatDuration, formatRate } from './format.js';
import type { CliStream, Output } from './output.js';

const REDRAW_MS = 100;

export class BenchProgress implements SweepListener {
  readonly #output: Output;
  readonly #stream: CliStream | undefined;
  readonly #tty: boolean;
  #plan: SweepPlan | undefined;
  #startedAt = 0;
  #done = 0;
  #current: { run: ScheduledRun; configuration: BenchConfiguration } | undefined;
  #lastDraw = -Infinity;
  #drawn = false;

  /** `stream`: where progress goes (undefined with --quiet). */
  constructor(output: Output, stream: CliStream | undefined) {
    this.#output = output;
    this.#stream = stream;
    this.#tty = stream?.isTTY === true;
  }

  note(text: string): void {
    this.clear();
    this.#output.note(text);
  }

  planned(plan: SweepPlan): void {
    this.#plan = plan;
    this.#startedAt = performance.now();
    const how = plan.sizeChosen ? ' (sized from the warm-up; --size to choose)' : '';
    const eta = formatDuration(plan.totalBytes / plan.warmupBytesPerSecond);
    this.note(`warm-up: ${formatRate(plan.warmupBytesPerSecond)}. Planned: ${plan.uploads} uploads of ${formatBytes(plan.size)}${how}, ${formatBytes(plan.totalBytes)} in all: about ${eta} at that rate`);
  }

  runStarted(run: ScheduledRun, configuration: BenchConfiguration): void {
    this.#current = { run, configuration };
    this.#draw(true);
  }

  progress(doneBytes: number): void {
    this.#done = doneBytes;
    this.#draw(false);
  }

  runFinished(run: ScheduledRun, measured: MeasuredUpload): void {
    const plan = this.#plan!;
    const configuration = this.#current!.configuration;
    if (!measured.error) this.#done = run.order * plan.size;
    if (this.#tty) return this.#draw(true);
    const what = `run ${run.order}/${plan.uploads} ${label(configuration)}`;
    const outcome = measured.error ? `failed: ${measured.error.message}` : `${mibPerSecond(measured)!.toFixed(1)} MiB/s in ${formatDuration(measured.seconds)}`;
    const remaining = run.order < plan.uploads ? `; ${this.#percent().toFixed(0)}% done, ETA ${this.#eta()}` : '';
    this.#stream?.write(`${what}: ${outcome}${remaining}\n`);
  }

  /** Leaves the progress line, so what follows starts on a fresh one. */
  clear(): void {
    if (this.#tty && this.#drawn) this.#stream?.write('\n');
    this.#drawn = false;
  }

  #percent(): number {
    const total = this.#plan?.totalBytes ?? 0;
    return total > 0 ? Math.min(100, (100 * this.#done) / total) : 0;
  }

  /** The rest of the work at the rate of the work so far (the warm-up's, before any). */
  #eta(): string {
    const plan = this.#plan!;
    const elapsed = (performance.now() - this.#startedAt) / 1000;
    const rate = this.#done > 0 && elapsed > 0 ? this.#done / elapsed : plan.warmupBytesPerSecond;
    return formatDuration((plan.totalBytes - this.#done) / rate);
  }

  #draw(force: boolean): void {
    if (!this.#tty || !this.#plan || !this.#current) return;
    const now = performance.now();
    if (!force && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const pct = this.#percent();
    const fields = [
      `${pct.toFixed(1).padStart(5)}%`,
      `run ${this.#current.run.order}/${this.#plan.uploads} ${label(this.#current.configuration)}`,
      `${formatBytes(this.#done)}/${formatBytes(this.#plan.totalBytes)}`,
      `ETA ${this.#eta()}`,
    ];
    const width = (this.#stream!.columns ?? 80) - 1;
    // Whole fields go when the terminal is narrow (the bytes first), never a cut number.
    const stats = [fields, [fields[0]!, fields[1]!, fields[3]!], [fields[0]!, fields[3]!]].map((f) => f.join('  ')).find((s) => s.length + 14 <= width) ?? fields[0]!;
    const barWidth = Math.max(0, Math.min(30, width - stats.length - 4));
    const bar = barWidth >= 10 ? `[${'#'.repeat(Math.round((pct / 100) * barWidth)).padEnd(barWidth, '-')}]  ` : '';
    this.#stream!.write(`\r${bar}${stats}\x1b[K`);
    this.#drawn = true;
  }
}
