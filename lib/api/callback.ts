// Upload callback (x-oss-callback / x-oss-callback-var), and reading OSS's answer to it.
import { OssInvalidArgumentError, OssServiceError } from '../errors.js';
import type { OssResponse } from '../transport/http.js';
import { serviceErrorFrom } from '../transport/errors.js';
import type { UploadCallback } from './types.js';

export function callbackHeaders(callback: UploadCallback | undefined): Record<string, string> {
  if (!callback) return {};
  if (!callback.url || !callback.body) throw new OssInvalidArgumentError('callback', 'both `url` and `body` are required');
  const spec: Record<string, string> = { callbackUrl: callback.url, callbackBody: callback.body };
  if (callback.host) spec['callbackHost'] = callback.host;
  if (callback.contentType) spec['callbackBodyType'] = callback.contentType;
  const headers: Record<string, string> = { 'x-oss-callback': Buffer.from(JSON.stringify(spec)).toString('base64') };
  const vars = callback.vars ?? {};
  for (const name of Object.keys(vars)) {
    if (!name.startsWith('x:')) throw new OssInvalidArgumentError('callback', `custom variable ${JSON.stringify(name)} must start with "x:"`);
  }
  if (Object.keys(vars).length > 0) headers['x-oss-callback-var'] = Buffer.from(JSON.stringify(vars)).toString('base64');
  return headers;
}

/**
 * With a callback, a 200 body is the callback server's answer, passed through; 203 means the
 * object was stored but the callback failed — a result with an error attached, not a failure.
 */
export function callbackOutcome(response: OssResponse, operation: string): { callbackBody?: string; callbackError?: OssServiceError } {
  if (response.status === 203) {
    return { callbackError: serviceErrorFrom(203, response.headers, response.text, operation) };
  }
  return { callbackBody: response.text };
}
