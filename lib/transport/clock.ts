// The signing clock. OSS rejects requests more than 15 minutes off its own time, so after
// RequestTimeTooSkewed we adopt the server's clock (from its Date header) and sign with that.
export class SigningClock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Adopt the server's time; returns false if the header is unusable. */
  syncTo(serverDateHeader: string | undefined): boolean {
    const server = serverDateHeader ? Date.parse(serverDateHeader) : NaN;
    if (Number.isNaN(server)) return false;
    this.#offsetMs = server - Date.now();
    return true;
  }
}
