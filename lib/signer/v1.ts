// OSS V1 header and query-string signatures: base64(HMAC-SHA1(secret, StringToSign)).
import { createHmac } from 'node:crypto';
import { wireBytes, wireString } from './header-bytes.js';
import { isV1SubResource } from './sub-resources.js';
import type { Credentials, SignableRequest } from './types.js';

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `x-oss-*` headers, lower-cased, trimmed, sorted, one `name:value\n` line each. */
export function canonicalizedOssHeaders(headers: Record<string, string>): string {
  const lines: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-oss-')) lines.push([lower, String(value).trim()]);
  }
  lines.sort((a, b) => byteOrder(a[0], b[0]));
  return lines.map(([n, v]) => `${n}:${v}\n`).join('');
}

/** `/bucket/key?sub=resources`, the key raw (not percent-encoded), sub-resources sorted. */
export function canonicalizedResource(bucket: string | undefined, key: string | undefined, query: Record<string, string>): string {
  let resource = bucket ? `/${bucket}/${key ?? ''}` : '/';
  const subs = Object.keys(query).filter(isV1SubResource).sort(byteOrder);
  if (subs.length > 0) {
    resource += '?' + subs.map((name) => (query[name] ? `${name}=${query[name]}` : name)).join('&');
  }
  return resource;
}

function headerValue(headers: Record<string, string>, name: string): string {
  for (const [n, v] of Object.entries(headers)) if (n.toLowerCase() === name) return String(v);
  return '';
}

/**
 * The V1 StringToSign, as a wire string (one character per byte): the header values as sent, the
 * resource (key, sub-resource values) as its UTF-8 bytes. `dateLine` defaults to x-oss-date, then
 * Date (x-oss-date wins, as on OSS).
 */
export function stringToSignV1(req: SignableRequest, dateLine?: string): string {
  const date = dateLine ?? (headerValue(req.headers, 'x-oss-date') || headerValue(req.headers, 'date'));
  return [
    req.method.toUpperCase(),
    headerValue(req.headers, 'content-md5'),
    headerValue(req.headers, 'content-type'),
    date,
    canonicalizedOssHeaders(req.headers) + wireString(canonicalizedResource(req.bucket, req.key, req.query)),
  ].join('\n');
}

/** HMAC-SHA1 over the bytes of `stringToSign` (a wire string, as stringToSignV1 returns). */
export function signatureV1(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', accessKeySecret).update(wireBytes(stringToSign)).digest('base64');
}

/** Adds x-oss-date, x-oss-security-token (STS) and Authorization to `req.headers`. */
export function signRequestV1(req: SignableRequest, creds: Credentials, now: Date): void {
  req.headers['x-oss-date'] = now.toUTCString();
  if (creds.securityToken) req.headers['x-oss-security-token'] = creds.securityToken;
  const signature = signatureV1(creds.accessKeySecret, stringToSignV1(req));
  req.headers['authorization'] = `OSS ${creds.accessKeyId}:${signature}`;
}

/**
 * Presigned URL parameters (query-string authentication). Returns the query to add:
 * OSSAccessKeyId, Expires, Signature (and security-token for STS, which is signed).
 */
export function presignQueryV1(req: SignableRequest, creds: Credentials, expiresUnixSeconds: number): Record<string, string> {
  const query = { ...req.query };
  if (creds.securityToken) query['security-token'] = creds.securityToken;
  const sts = stringToSignV1({ ...req, query }, String(expiresUnixSeconds));
  return {
    ...query,
    OSSAccessKeyId: creds.accessKeyId,
    Expires: String(expiresUnixSeconds),
    Signature: signatureV1(creds.accessKeySecret, sts),
  };
}
