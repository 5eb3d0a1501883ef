// Credentials may be static or come from a provider (STS). Concurrent requests share one
// refresh: the first caller starts it, the others await the same promise.
import { OssInvalidArgumentError } from '../errors.js';
import type { Credentials } from './types.js';

/** Fetches (temporary) credentials; called again shortly before their `expiration` or after SecurityTokenExpired. */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;
/** Static credentials, or a provider of them (STS). */
export type CredentialsSource = Credentials | CredentialsProvider;

/** Refresh this long before `expiration`, so no request is signed with a token about to expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class CredentialsCache {
  #source: CredentialsSource;
  #current: Credentials | undefined;
  #refreshing: Promise<Credentials> | undefined;

  constructor(source: CredentialsSource) {
    this.#source = source;
    if (typeof source !== 'function') this.#current = validate(source);
  }

  async get(): Promise<Credentials> {
    const current = this.#current;
    if (current && (typeof this.#source !== 'function' || !expiresSoon(current))) return current;
    return this.refresh();
  }

  /** Forget the cached credentials (e.g. after SecurityTokenExpired) and fetch new ones, once for all callers. */
  refresh(): Promise<Credentials> {
    const source = this.#source;
    if (typeof source !== 'function') return Promise.resolve(this.#current!);
    if (!this.#refreshing) {
      // Start asynchronously, so even a provider that throws synchronously settles this promise
      // only after it has been stored and shared.
      const refreshing = Promise.resolve()
        .then(source)
        .then((fresh) => (this.#current = validate(fresh)));
      this.#refreshing = refreshing;
      const clear = (): void => {
        if (this.#refreshing === refreshing) this.#refreshing = undefined;
      };
      refreshing.then(clear, clear);
    }
    return this.#refreshing;
  }

  /** Mark the cached credentials stale so the next get() refreshes them. */
  invalidate(): void {
    if (typeof this.#source === 'function') this.#current = undefined;
  }
}

function expiresSoon(creds: Credentials): boolean {
  return creds.expiration !== undefined && creds.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS;
}

function validate(creds: Credentials): Credentials {
  if (!creds || typeof creds.accessKeyId !== 'string' || !creds.accessKeyId) {
    throw new OssInvalidArgumentError('credentials', 'accessKeyId is missing; set OSS_ACCESS_KEY_ID or pass credentials');
  }
  if (typeof creds.accessKeySecret !== 'string' || !creds.accessKeySecret) {
    throw new OssInvalidArgumentError('credentials', 'accessKeySecret is missing; set OSS_ACCESS_KEY_SECRET or pass credentials');
  }
  return creds;
}
