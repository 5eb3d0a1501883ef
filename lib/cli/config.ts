// Where the CLI connects and as whom: flags first, then the environment variables the official
// SDKs use. Credentials come only from the environment so they never sit in shell history or ps.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { regionFromHost } from '../signer/region.js';
import type { Credentials, SignatureVersion } from '../signer/types.js';
import { parseEndpoint } from '../transport/endpoint.js';
import { asUsageError, UsageError } from './args.js';

/** The options every command that talks to OSS accepts. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'sign-version': { type: 'string' },
} as const;

export interface ConnectionFlags {
  endpoint?: string | undefined;
  region?: string | undefined;
  'sign-version'?: string | undefined;
}

export interface ClientSettings {
  endpoint: string;
  region: string | undefined;
  signatureVersion: SignatureVersion | undefined;
  credentials: Credentials;
  /** Pool size; the client's default unless a command needs more at once (upload --parallel). */
  connections?: number | undefined;
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
  };
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
