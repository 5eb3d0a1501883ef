// Keeps the number of open connections (each a file descriptor) under a cap, so clients that
// open sockets and send nothing cannot take the descriptors that requests need for their
// data files, nor shut out a new client: at the cap, the connection idle the longest (no
// request in progress: a fresh one that sent nothing yet, or a kept-alive one between requests)
// is closed to admit the newcomer, as nginx reuses its keep-alive connections. Only when every
// connection is busy with a request is the newcomer itself refused.
import type { Socket } from 'node:net';

export class ConnectionLimit {
  readonly #max: number;
  readonly #log: ((line: string) => void) | undefined;
  /** Connections with no request in progress, the longest idle first (a Map keeps insertion order). */
  readonly #idle = new Map<Socket, true>();
  /** Requests in progress per connection (pipelined requests may overlap). */
  readonly #busy = new Map<Socket, number>();

  constructor(max: number, log: ((line: string) => void) | undefined) {
    this.#max = max;
    this.#log = log;
  }

  get open(): number {
    return this.#idle.size + this.#busy.size;
  }

  /** A connection was accepted. */
  admit(socket: Socket): void {
    if (this.open >= this.#max) {
      const oldest = this.#idle.keys().next();
      if (oldest.done) {
        this.#log?.(`- - - connection refused: the limit of ${this.#max} connections is reached and every one is handling a request`);
        socket.destroy();
        return;
      }
      this.#forget(oldest.value);
      oldest.value.destroy();
      this.#log?.(`- - - the limit of ${this.#max} connections is reached: closed the one idle the longest`);
    }
    this.#idle.set(socket, true);
    socket.once('close', () => this.#forget(socket));
  }

  /** A request arrived on `socket`; `done` when its response finished or the connection closed. */
  requestStarted(socket: Socket): void {
    if (!this.#idle.delete(socket) && !this.#busy.has(socket)) return; // already closed
    this.#busy.set(socket, (this.#busy.get(socket) ?? 0) + 1);
  }

  requestDone(socket: Socket): void {
    const count = this.#busy.get(socket);
    if (count === undefined) return;
    if (count > 1) {
      this.#busy.set(socket, count - 1);
      return;
    }
    this.#busy.delete(socket);
    if (!socket.destroyed) this.#idle.set(socket, true);
  }

  #forget(socket: Socket): void {
    this.#idle.delete(socket);
    this.#busy.delete(socket);
  }
}
