// The server's clock: real time plus an adjustable skew, so tests can provoke RequestTimeTooSkewed.
export class ServerClock {
  #skewMs = 0;

  setSkew(ms: number): void {
    this.#skewMs = ms;
  }

  /** Milliseconds since the epoch, skew included. */
  nowMs(): number {
    return Date.now() + this.#skewMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }
}
