// Signing entry point: picks V1 or V4 for a request and applies it.
import { OssInvalidArgumentError } from '../errors.js';
import { signRequestV1 } from './v1.js';
import { signRequestV4 } from './v4.js';
import type { Credentials, SignableRequest, SignatureVersion } from './types.js';

export type { Credentials, SignableRequest, SignatureVersion } from './types.js';
export { CredentialsCache, type CredentialsProvider, type CredentialsSource } from './credentials.js';
export { regionFromHost } from './region.js';

/** How signRequest signs. */
export interface SignerConfig {
  /** 'v1' (HMAC-SHA1) or 'v4' (OSS4-HMAC-SHA256). */
  version: SignatureVersion;
  /** Required for V4. */
  region?: string | undefined;
  /** V4 product: "oss" (default), or "oss-cloudbox" for CloudBox. */
  product?: string | undefined;
  /** V4: more header names to sign (content-type, content-md5 and x-oss-* always are). */
  additionalHeaders?: string[] | undefined;
}

/** V4 where the region is known, V1 otherwise (local and custom endpoints), unless told. */
export function defaultSignatureVersion(region: string | undefined, requested?: SignatureVersion): SignatureVersion {
  return requested ?? (region ? 'v4' : 'v1');
}

/**
 * Signs `req` in place: adds x-oss-date (and x-oss-content-sha256 for V4, x-oss-security-token
 * for STS) and Authorization. Header values are signed as the bytes they are sent as (see
 * SignableRequest.headers).
 */
export function signRequest(req: SignableRequest, creds: Credentials, now: Date, config: SignerConfig): void {
  if (config.version === 'v4') {
    if (!config.region) throw new OssInvalidArgumentError('region', 'V4 signing needs a region; pass `region` (--region) or use an oss-<region>.aliyuncs.com endpoint');
    signRequestV4(req, creds, now, { region: config.region, product: config.product, additionalHeaders: config.additionalHeaders });
  } else {
    signRequestV1(req, creds, now);
  }
}
