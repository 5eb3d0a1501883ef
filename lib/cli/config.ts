// Where the CLI connects and as whom: flags first, then the environment variables the official
// SDKs use. Credentials come only from the environment so they never sit in shell history or ps.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { regionFromHost } from '../signer/region.js';
import type { Credentials, SignatureVersion } from '../signer/types.js';
import { parseEndpoint } from '../transport/endpoint.js';
import type { RetryOptions } from '../transport/retry.js';
import { asUsageError, parseDuration, UsageError } from './args.js';

/** The options every command that talks to OSS accepts. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'sign-version': { type: 'string' },
  'retry-for': { type: 'string' },
  'retry-times': { type: 'string' },
  'stall-timeout': { type: 'string' },
} as const;

export interface ConnectionFlags {
  endpoint?: string | undefined;
  region?: string | undefined;
  'sign-version'?: string | undefined;
  'retry-for'?: string | undefined;
  'retry-times'?: string | undefined;
  'stall-timeout'?: string | undefined;
}

export interface ClientSettings {
  endpoint: string;
  region: string | undefined;
  signatureVersion: SignatureVersion | undefined;
  credentials: Credentials;
  /** Pool size; the client's default unless a command needs more at once (upload --parallel). */
  connections?: number | undefined;
  retry: RetryOptions;
  timeouts: { headersMs?: number | undefined; bodyMs?: number | undefined };
}

/** The library's default pool size, kept when --parallel asks for no more. */
const CLIENT_CONNECTIONS = 16;

/** The pool size for `parallel` parts in flight: every part gets a connection (upload, bench). */
export function connectionsFor(parallel: number | undefined): number {
  return Math.max(CLIENT_CONNECTIONS, parallel ?? 0);
}

export function resolveClientSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv, command: string): ClientSettings {
  const endpoint = flags.endpoint ?? nonEmpty(env.OSS_ENDPOINT);
  if (!endpoint) {
    throw new UsageError('no endpoint; pass --endpoint or set OSS_ENDPOINT (e.g. https://oss-cn-hangzhou.aliyuncs.com)', command);
  }
  asUsageError(() => parseEndpoint(endpoint), command);
  const signVersion = flags['sign-version'];
  if (signVersion !== undefined && signVersion !== 'v1' && signVersion !== 'v4') {
    throw new UsageError(`--sign-version ${JSON.stringify(signVersion)} must be v1 or v4`, command);
  }
  const region = flags.region ?? nonEmpty(env.OSS_REGION);
  if (signVersion === 'v4' && !region && !regionFromHost(hostOf(endpoint))) {
    throw new UsageError(`--sign-version v4 needs a region; pass --region (e.g. cn-hangzhou) or set OSS_REGION`, command);
  }
  return {
    endpoint,
    region,
    signatureVersion: signVersion,
    credentials: credentialsFromEnv(env, command),
    retry: retryFlags(flags, command),
    timeouts: stallFlag(flags['stall-timeout'], command),
  };
}

/** --retry-for (a time budget, 0 = never retry) and ossutil's --retry-times (a count of retries, as a cap on top). */
function retryFlags(flags: ConnectionFlags, command: string): RetryOptions {
  const retry: RetryOptions = {};
  const retryFor = flags['retry-for'];
  if (retryFor !== undefined) retry.retryForMs = retryFor.trim() === '0' ? 0 : durationFlag(retryFor, '--retry-for', command);
  const times = flags['retry-times'];
  if (times !== undefined) {
    if (!/^\s*\d+\s*$/.test(times)) throw new UsageError(`--retry-times ${JSON.stringify(times)} must be a whole number of retries (0: none)`, command);
    retry.maxAttempts = Number(times) + 1;
  }
  return retry;
}

/** --stall-timeout: both of the transport's no-progress timeouts (sending, and the answer). */
function stallFlag(text: string | undefined, command: string): ClientSettings['timeouts'] {
  if (text === undefined) return {};
  const ms = text.trim() === '0' ? 0 : durationFlag(text, '--stall-timeout', command);
  return { headersMs: ms, bodyMs: ms };
}

function durationFlag(text: string, flag: string, command: string): number {
  try {
    return parseDuration(text, flag);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv, command: string): Credentials {
  const accessKeyId = nonEmpty(env.OSS_ACCESS_KEY_ID);
  const accessKeySecret = nonEmpty(env.OSS_ACCESS_KEY_SECRET);
  const missing = [accessKeyId ? '' : 'OSS_ACCESS_KEY_ID', accessKeySecret ? '' : 'OSS_ACCESS_KEY_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(`no credentials; set ${missing.join(' and ')} in the environment (and OSS_SESSION_TOKEN for STS)`, command);
  }
  return { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, securityToken: nonEmpty(env.OSS_SESSION_TOKEN) };
}

/** Values that must never be printed, for last-line-of-defence redaction of error output. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return [env.OSS_ACCESS_KEY_SECRET, env.OSS_SESSION_TOKEN].filter((value): value is string => typeof value === 'string' && value.length >= 4);
}

/** Per-user state: $XDG_STATE_HOME/oss-resumable, else ~/.local/state/oss-resumable. */
export function defaultStateDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = nonEmpty(env.XDG_STATE_HOME);
  // The XDG spec says relative paths are invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(base, 'oss-resumable');
}

/** The endpoint's host, with or without a scheme; '' when it is not a URL (the client reports that). */
function hostOf(endpoint: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`).host;
  } catch {
    return '';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
