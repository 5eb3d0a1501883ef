// Request headers shared by the APIs that create objects (Initiate, PutObject).
import { OssInvalidArgumentError } from '../errors.js';
import type { ObjectHeaderOptions } from './types.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Caller headers plus x-oss-meta-* from `meta`; rejects names/values that would corrupt the request. */
export function objectHeaders(options: ObjectHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    checkHeader('header', name, value);
    headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(options.meta ?? {})) {
    checkHeader('meta', name, value);
    headers[`x-oss-meta-${name.toLowerCase()}`] = value;
  }
  return headers;
}

function checkHeader(kind: string, name: string, value: string): void {
  if (!TOKEN.test(name)) throw new OssInvalidArgumentError(kind, `${JSON.stringify(name)} is not a valid header name; use letters, digits and '-'`);
  if (typeof value !== 'string' || CONTROL.test(value)) {
    throw new OssInvalidArgumentError(kind, `the value of ${JSON.stringify(name)} must be a string without control characters (no newlines)`);
  }
}
