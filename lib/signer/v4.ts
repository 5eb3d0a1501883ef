// OSS V4 signature (OSS4-HMAC-SHA256): canonical request -> string to sign -> derived key.
import { createHash, createHmac } from 'node:crypto';
import { wireBytes } from './header-bytes.js';
import { uriEncode } from './uri-encode.js';
import type { Credentials, SignableRequest } from './types.js';

export const V4_ALGORITHM = 'OSS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** V4 signing parameters (presignQueryV4, signRequestV4). */
export interface V4Options {
  /** Region id, e.g. cn-hangzhou. */
  region: string;
  /** "oss", or "oss-cloudbox" for CloudBox. */
  product?: string;
  /** Extra header names to sign (e.g. "host"); content-type, content-md5 and x-oss-* are always signed. */
  additionalHeaders?: string[];
}

/** `20231216T162057Z` */
export function isoBasicDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function canonicalUriV4(bucket: string | undefined, key: string | undefined): string {
  const path = bucket ? `/${bucket}/${key ?? ''}` : '/';
  return uriEncode(path, true);
}

export function canonicalQueryV4(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort((a, b) => byteOrder(a[0], b[0]))
    .map(([name, value]) => (value ? `${name}=${value}` : name))
    .join('&');
}

/** Lower-cased, de-duplicated, sorted, minus the names that are signed anyway. */
export function normalizeAdditionalHeaders(names: readonly string[] = []): string[] {
  const set = new Set<string>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (!name || isDefaultSignedV4(name)) continue;
    set.add(name);
  }
  return [...set].sort(byteOrder);
}

function isDefaultSignedV4(lowerName: string): boolean {
  return lowerName === 'content-type' || lowerName === 'content-md5' || lowerName.startsWith('x-oss-');
}

export function canonicalHeadersV4(headers: Record<string, string>, additional: readonly string[]): string {
  const wanted = new Set(additional);
  const lines: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (isDefaultSignedV4(lower) || wanted.has(lower)) lines.push([lower, String(value).trim()]);
  }
  lines.sort((a, b) => byteOrder(a[0], b[0]));
  return lines.map(([n, v]) => `${n}:${v}\n`).join('');
}

export function canonicalRequestV4(req: SignableRequest, additional: readonly string[], hashedPayload = UNSIGNED_PAYLOAD): string {
  return [
    req.method.toUpperCase(),
    canonicalUriV4(req.bucket, req.key),
    canonicalQueryV4(req.query),
    canonicalHeadersV4(req.headers, additional),
    additional.join(';'),
    hashedPayload,
  ].join('\n');
}

export function scopeV4(isoDate: string, region: string, product = 'oss'): string {
  return `${isoDate.slice(0, 8)}/${region}/${product}/aliyun_v4_request`;
}

/** `canonicalRequest` is a wire string: header values as sent, everything else percent-encoded ASCII. */
export function stringToSignV4(isoDate: string, scope: string, canonicalRequest: string): string {
  return [V4_ALGORITHM, isoDate, scope, createHash('sha256').update(wireBytes(canonicalRequest)).digest('hex')].join('\n');
}

// The signing key depends only on (secret, day, region, product): cache one per combination
// so a busy upload does four fewer HMACs per request. Keyed by a hash so the secret itself is not a map key.
const keyCache = new Map<string, Buffer>();

export function signingKeyV4(secret: string, day: string, region: string, product = 'oss'): Buffer {
  const id = createHash('sha256').update(`${secret}\n${day}\n${region}\n${product}`).digest('base64');
  let key = keyCache.get(id);
  if (!key) {
    const kDate = createHmac('sha256', 'aliyun_v4' + secret).update(day).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kProduct = createHmac('sha256', kRegion).update(product).digest();
    key = createHmac('sha256', kProduct).update('aliyun_v4_request').digest();
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export function signatureV4(secret: string, isoDate: string, region: string, product: string, stringToSign: string): string {
  return createHmac('sha256', signingKeyV4(secret, isoDate.slice(0, 8), region, product)).update(stringToSign, 'utf8').digest('hex');
}

/** Adds x-oss-date, x-oss-content-sha256, x-oss-security-token (STS) and Authorization to `req.headers`. */
export function signRequestV4(req: SignableRequest, creds: Credentials, now: Date, options: V4Options): void {
  const product = options.product ?? 'oss';
  const isoDate = isoBasicDate(now);
  req.headers['x-oss-date'] = isoDate;
  req.headers['x-oss-content-sha256'] = UNSIGNED_PAYLOAD;
  if (creds.securityToken) req.headers['x-oss-security-token'] = creds.securityToken;
  const additional = normalizeAdditionalHeaders(options.additionalHeaders);
  const scope = scopeV4(isoDate, options.region, product);
  const sts = stringToSignV4(isoDate, scope, canonicalRequestV4(req, additional));
  const signature = signatureV4(creds.accessKeySecret, isoDate, options.region, product, sts);
  const extra = additional.length > 0 ? `,AdditionalHeaders=${additional.join(';')}` : '';
  req.headers['authorization'] = `${V4_ALGORITHM} Credential=${creds.accessKeyId}/${scope}${extra},Signature=${signature}`;
}

/** Presigned URL parameters: returns the full query to send, x-oss-signature included. */
export function presignQueryV4(req: SignableRequest, creds: Credentials, now: Date, expiresSeconds: number, options: V4Options): Record<string, string> {
  const product = options.product ?? 'oss';
  const isoDate = isoBasicDate(now);
  const scope = scopeV4(isoDate, options.region, product);
  const additional = normalizeAdditionalHeaders(options.additionalHeaders);
  const query: Record<string, string> = {
    ...req.query,
    'x-oss-signature-version': V4_ALGORITHM,
    'x-oss-credential': `${creds.accessKeyId}/${scope}`,
    'x-oss-date': isoDate,
    'x-oss-expires': String(expiresSeconds),
  };
  if (additional.length > 0) query['x-oss-additional-headers'] = additional.join(';');
  if (creds.securityToken) query['x-oss-security-token'] = creds.securityToken;
  const sts = stringToSignV4(isoDate, scope, canonicalRequestV4({ ...req, query }, additional));
  query['x-oss-signature'] = signatureV4(creds.accessKeySecret, isoDate, options.region, product, sts);
  return query;
}
