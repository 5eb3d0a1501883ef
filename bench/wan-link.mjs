// A long fat link between the bench's clients and its mock server: a TCP proxy that models what
// the mock's own --latency-ms (a fixed delay before each response) does not. Every byte takes
// half the round trip each way, so a connection that has sent its last byte really idles for a
// whole round trip before its response arrives and its next request can begin; the uplink's
// bandwidth is one queue shared by all connections (round robin, as competing TCP flows roughly
// share a bottleneck); and each connection has at most `windowBytes` unacknowledged, as TCP
// does (Linux's default send buffer limit, net.ipv4.tcp_wmem, is 4 MiB), growing from an initial
// window of 10 segments by slow start on a new connection (`initialWindowBytes`; set it to
// windowBytes to leave slow start out). So one connection alone fills the link only if
// windowBytes ≥ bandwidth × round trip, and the link stays full only while enough connections
// have bytes to send.
//   startWanLink({ target: {host, port}, bandwidthBytesPerSec, rttMs, windowBytes, initialWindowBytes }) → {port, close}
import { createConnection, createServer } from 'node:net';

/** Bytes the link sends in one go before it serves the next connection. */
const QUANTUM = 64 * 1024;
/** Linux's initial congestion window: 10 segments of 1448 bytes. */
const INITIAL_WINDOW = 10 * 1448;
/** How far ahead of the clock the link may schedule its next transmissions (timer resolution). */
const SCHEDULE_AHEAD_MS = 1;

export async function startWanLink({ target, bandwidthBytesPerSec, rttMs, windowBytes = 4 * 1024 * 1024, initialWindowBytes = INITIAL_WINDOW }) {
  const oneWayMs = rttMs / 2;
  const bytesPerMs = bandwidthBytesPerSec / 1000;
  /** Connections with bytes waiting for the uplink, served round robin. */
  const waiting = [];
  /** Deliveries and acknowledgements in time order (every one is scheduled a constant delay ahead). */
  const events = [];
  /** When the uplink has sent everything it was given so far. */
  let linkFreeAt = 0;
  /** The time of what is being handled: an event's own time while events run, else now. */
  let clock = performance.now();
  let timer;

  const schedule = () => {
    clearTimeout(timer);
    const next = Math.min(events.length ? events[0].at : Infinity, waiting.length ? Math.max(linkFreeAt - SCHEDULE_AHEAD_MS, performance.now()) : Infinity);
    if (next !== Infinity) timer = setTimeout(pump, Math.max(0, next - performance.now()));
  };

  const pump = () => {
    const now = performance.now();
    while (events.length && events[0].at <= now) {
      const event = events.shift();
      // Bytes that became sendable at the event's time (an acknowledgement) could have been sent
      // from then on, even though the timer fires a little later: the link does not lose that time.
      clock = event.at;
      event.run();
    }
    clock = now;
    // The uplink: transmit quanta, one connection after another, as far as the clock allows.
    while (waiting.length && linkFreeAt <= now + SCHEDULE_AHEAD_MS) {
      const conn = waiting.shift();
      if (!conn.sendable()) continue;
      const bytes = conn.take(Math.min(QUANTUM, conn.window - conn.unacked));
      if (!bytes) continue; // nothing sendable now (its window is full); it re-enters when acked
      const done = linkFreeAt + bytes.length / bytesPerMs;
      linkFreeAt = done;
      conn.unacked += bytes.length;
      conn.lastUpAt = done + oneWayMs;
      later(conn.lastUpAt, () => conn.deliverUp(bytes));
      later(done + rttMs, () => conn.acked(bytes.length));
      if (conn.sendable()) waiting.push(conn);
    }
    schedule();
  };

  /** A connection has bytes it may send: an idle link starts on them at once. */
  const enqueue = (conn) => {
    if (waiting.includes(conn)) return;
    if (!waiting.length) linkFreeAt = Math.max(linkFreeAt, clock);
    waiting.push(conn);
  };

  /** Keeps `events` in time order; equal times stay in the order they were scheduled. */
  const later = (at, run) => {
    let low = 0;
    let high = events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (events[mid].at <= at) low = mid + 1;
      else high = mid;
    }
    events.splice(low, 0, { at, run });
  };

  // Half-open: a client's FIN is passed on only after the bytes before it have crossed.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = createConnection({ ...target, noDelay: true, allowHalfOpen: true });
    const opened = performance.now();
    const conn = {
      window: Math.min(initialWindowBytes, windowBytes),
      unacked: 0,
      queue: [],
      queued: 0,
      // The TCP handshake: nothing can be sent before one round trip has passed.
      readyAt: opened + rttMs,
      wakeScheduled: false,
      /** When the last byte sent up arrives, so the end of the stream never overtakes it. */
      lastUpAt: 0,
      take(max) {
        if (max <= 0) return undefined;
        const parts = [];
        let size = 0;
        while (this.queue.length && size < max) {
          const head = this.queue[0];
          const n = Math.min(head.length, max - size);
          parts.push(head.subarray(0, n));
          if (n === head.length) this.queue.shift();
          else this.queue[0] = head.subarray(n);
          size += n;
        }
        this.queued -= size;
        if (this.queued + this.unacked < windowBytes && client.isPaused()) client.resume();
        return size ? (parts.length === 1 ? parts[0] : Buffer.concat(parts)) : undefined;
      },
      sendable() {
        return this.queued > 0 && this.unacked < this.window && clock >= this.readyAt;
      },
      deliverUp(bytes) {
        if (!upstream.destroyed) upstream.write(bytes);
      },
      acked(bytes) {
        this.unacked -= bytes;
        // Slow start: the window grows by what was acknowledged, up to the send buffer's limit.
        this.window = Math.min(windowBytes, this.window + bytes);
        if (this.queued + this.unacked < windowBytes && client.isPaused()) client.resume();
        if (this.sendable()) enqueue(this);
      },
    };
    const wake = () => {
      clock = performance.now();
      if (clock < conn.readyAt) {
        // Still in the handshake (a timer may fire a little early): look again when it is over.
        if (!conn.wakeScheduled) {
          conn.wakeScheduled = true;
          setTimeout(() => {
            conn.wakeScheduled = false;
            wake();
          }, conn.readyAt - clock + 1);
        }
        return;
      }
      if (conn.sendable()) enqueue(conn);
      schedule();
    };
    client.on('data', (chunk) => {
      conn.queue.push(chunk);
      conn.queued += chunk.length;
      // The sender's socket buffer is full: it stops taking bytes until some are acknowledged.
      if (conn.queued + conn.unacked >= windowBytes) client.pause();
      wake();
    });
    // The way back carries only response heads and small bodies: delayed, not rate-limited.
    upstream.on('data', (chunk) => {
      later(performance.now() + oneWayMs, () => {
        if (!client.destroyed) client.write(chunk);
      });
      schedule();
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('end', () => {
      // Only once every byte queued before it has crossed the link.
      const flush = () => (conn.queued > 0 ? setTimeout(flush, rttMs) : later(Math.max(performance.now() + oneWayMs, conn.lastUpAt), () => upstream.end()));
      flush();
      schedule();
    });
    upstream.on('end', () => {
      later(performance.now() + oneWayMs, () => client.end());
      schedule();
    });
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    // A side that is gone takes the other with it once what is on the way to that other side arrived.
    client.on('close', () => {
      later(Math.max(performance.now(), conn.lastUpAt), () => upstream.destroy());
      schedule();
    });
    upstream.on('close', () => {
      later(performance.now() + oneWayMs, () => client.destroy());
      schedule();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
