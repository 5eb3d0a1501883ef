// Waiting on the client (the next body chunk, a drained response) for at most a while: the
// stall timeouts that turn a client that went quiet into RequestTimeout or a closed connection.

/** What a wait resolves to when the client stayed quiet for the whole timeout. */
export const STALLED: unique symbol = Symbol('stalled');

/**
 * `work`'s value, or STALLED if it has not settled within `ms` (0: wait forever). A timer that
 * fires is confirmed after one more turn of the event loop, so bytes that arrived while this
 * process could not run (a SIGSTOP, a long GC pause) are read before the client is blamed:
 * timers run before the loop polls the sockets.
 */
export async function withinStallTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof STALLED> {
  if (!(ms > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  let confirm: NodeJS.Immediate | undefined;
  const stalled = new Promise<typeof STALLED>((resolve) => {
    timer = setTimeout(() => {
      confirm = setImmediate(() => resolve(STALLED));
    }, ms);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
    if (confirm) clearImmediate(confirm);
  }
}
