// Per-request timing for whoever measures the client (`oss-resumable bench` records every part
// from it): one report per attempt, with when it started, when its last body byte was handed to
// the connection, when the response headers came, and how it ended. Nothing here runs unless an
// observer is set: the transport checks for one once per attempt.

/** One attempt of one request, as the transport saw it. Times are performance.now() milliseconds. */
export interface RequestTiming {
  /** The API: 'UploadPart', 'CompleteMultipartUpload', ... */
  api: string;
  /** UploadPart's part number; undefined for other APIs. */
  partNumber: number | undefined;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** Request body bytes handed to the connection (the body's length once it was all sent). */
  bytes: number;
  /** The request was handed to the connection pool. */
  startMs: number;
  /**
   * The last body byte was handed to the connection (the socket may still hold it: what follows
   * until `responseMs` is the network's round trip, what was still queued, and the server's
   * work). Undefined for a request without a body, or one that failed before sending it all.
   */
  bodySentMs: number | undefined;
  /** The response headers arrived; undefined when no answer came. */
  responseMs: number | undefined;
  /** The attempt ended: its response body read (or handed over, for a streamed GET), or its failure. */
  endMs: number;
  /** The HTTP status; undefined when no answer came. */
  status: number | undefined;
  /** Why the attempt failed (a network error, or the answer of a non-2xx status); undefined on success. */
  error: Error | undefined;
  /** x-oss-request-id of the answer. */
  requestId: string | undefined;
}

/** Called once per attempt as it ends; errors it throws are ignored, so it can never fail a request. */
export type RequestObserver = (timing: RequestTiming) => void;

/** Collects one attempt's timing; created only when an observer is set. */
export class AttemptTimer {
  readonly #timing: RequestTiming;
  readonly #bodyLength: number;

  constructor(api: string, partNumber: number | undefined, attempt: number, bodyLength: number) {
    this.#bodyLength = bodyLength;
    this.#timing = {
      api,
      partNumber,
      attempt,
      bytes: 0,
      startMs: performance.now(),
      bodySentMs: undefined,
      responseMs: undefined,
      endMs: NaN,
      status: undefined,
      error: undefined,
      requestId: undefined,
    };
  }

  /** A body-progress callback that also notes when the last byte went, calling `inner` as before. */
  countingBytes(inner: ((bytes: number) => void) | undefined): (bytes: number) => void {
    return (bytes) => {
      this.#timing.bytes += bytes;
      if (this.#timing.bytes >= this.#bodyLength) this.#timing.bodySentMs ??= performance.now();
      inner?.(bytes);
    };
  }

  responded(status: number, requestId: string | undefined): void {
    this.#timing.responseMs = performance.now();
    this.#timing.status = status;
    this.#timing.requestId = requestId;
  }

  /** The finished timing, with `error` when the attempt failed. */
  end(error?: unknown): RequestTiming {
    this.#timing.endMs = performance.now();
    if (error !== undefined) this.#timing.error = error instanceof Error ? error : new Error(String(error));
    return this.#timing;
  }
}

/** Reports a timing; an observer's own failure must not become the request's. */
export function report(observer: RequestObserver, timing: RequestTiming): void {
  try {
    observer(timing);
  } catch {
    // ignored, as documented on RequestObserver
  }
}
