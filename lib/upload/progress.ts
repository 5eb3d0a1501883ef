// Progress as the caller sees it: confirmed bytes plus bytes of parts in flight as they leave,
// never backwards (a retried part's bytes are withdrawn internally, not from the display),
// never above the total, and exactly the total at the end.

export type ProgressListener = (sentBytes: number, totalBytes: number) => void;

export class ProgressTracker {
  readonly #total: number;
  readonly #listener: ProgressListener | undefined;
  #confirmed: number;
  readonly #inFlight = new Map<number, { sent: number; size: number }>();
  #inFlightSum = 0;
  #reported = -1;

  /** `alreadyDone`: bytes already on the server when this run starts (a resume). */
  constructor(total: number, alreadyDone: number, listener: ProgressListener | undefined) {
    this.#total = total;
    this.#listener = listener;
    this.#confirmed = alreadyDone;
  }

  /** Bytes the server has confirmed (kept if the upload stops now). */
  get confirmedBytes(): number {
    return this.#confirmed;
  }

  get totalBytes(): number {
    return this.#total;
  }

  /** Reports the starting point (bytes already on the server). */
  start(): void {
    this.#emit();
  }

  /** `bytes` more of part `partNumber` (of `size` bytes) left this process. */
  sent(partNumber: number, size: number, bytes: number): void {
    const entry = this.#inFlight.get(partNumber) ?? { sent: 0, size };
    const next = Math.min(entry.size, entry.sent + bytes);
    this.#inFlightSum += next - entry.sent;
    entry.sent = next;
    this.#inFlight.set(partNumber, entry);
    this.#emit();
  }

  /** The part will be sent again (retry) or was abandoned: its bytes no longer count. */
  reset(partNumber: number): void {
    const entry = this.#inFlight.get(partNumber);
    if (!entry) return;
    this.#inFlightSum -= entry.sent;
    this.#inFlight.delete(partNumber);
  }

  /** The server confirmed the part (or it was found already there). */
  confirm(partNumber: number, size: number): void {
    this.reset(partNumber);
    this.#confirmed += size;
    this.#emit();
  }

  /**
   * Bytes counted as done at the start (a part an earlier run left on the server) turned out not
   * to be the file's: they no longer count, and the display holds its value until passed again.
   */
  withdraw(size: number): void {
    this.#confirmed -= size;
  }

  /**
   * The upload starts over (the server lost it): nothing counts as confirmed any more, but the
   * display holds its value until the new upload passes it, so it never goes backwards.
   */
  restart(): void {
    this.#confirmed = 0;
    this.#inFlight.clear();
    this.#inFlightSum = 0;
  }

  /** The object exists: report the total, once, even if it was reached before. */
  finish(): void {
    if (this.#reported === this.#total) return;
    this.#reported = this.#total;
    this.#listener?.(this.#total, this.#total);
  }

  #emit(): void {
    const value = Math.min(this.#confirmed + this.#inFlightSum, this.#total);
    if (value <= this.#reported) return;
    this.#reported = value;
    this.#listener?.(value, this.#total);
  }
}
