// The three pieces of undici this client uses, loaded from their own files: the Pool, its socket
// connector and the request API. undici's main entry also loads fetch, WebSocket, EventSource,
// the HTTP cache and the mocks, which cost every uploading process about 9 MiB more resident
// memory and a young generation twice as large (bench/memory.mjs). undici has no "exports" map, so
// these paths resolve like its main entry; should a future undici move them, the main entry is
// used instead (test/transport-undici.test.ts checks that both give the same functions).
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

function load<T>(path: string, fromMainEntry: (undici: typeof Undici) => T): T {
  try {
    return require(path) as T;
  } catch {
    return fromMainEntry(require('undici') as typeof Undici);
  }
}

export type Pool = Undici.Pool;
export type Connector = Undici.buildConnector.connector;
type RequestApi = (this: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>;

export const Pool = load('undici/lib/dispatcher/pool.js', (undici) => undici.Pool);
export const buildConnector = load('undici/lib/core/connect.js', (undici) => undici.buildConnector);
// undici's main entry copies its request API onto Dispatcher.prototype; without it, call it directly.
const requestApi = load<RequestApi>('undici/lib/api/api-request.js', (undici) => undici.Dispatcher.prototype.request as RequestApi);

/** undici's `dispatcher.request(options)`. */
export function request(dispatcher: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return requestApi.call(dispatcher, options);
}
