// Request authentication exactly as OSS does it: V1 and V4 signatures, each in the
// Authorization header or in the query string (presigned URLs). The canonical strings are
// built by lib/signer — the same functions the client signs with — from the decoded path
// and query; this module only finds the inputs, checks time and credentials, and compares
// signatures in constant time. Header values are verified as the bytes received (node hands
// them over one character per byte), so a value of raw UTF-8 bytes checks out as OSS's would.
import { timingSafeEqual } from 'node:crypto';
import { textFromWire } from '../signer/header-bytes.js';
import { signatureV1, stringToSignV1 } from '../signer/v1.js';
import { canonicalRequestV4, signatureV4, stringToSignV4, UNSIGNED_PAYLOAD, V4_ALGORITHM } from '../signer/v4.js';
import type { SignableRequest } from '../signer/types.js';
import type { RequestContext } from './context.js';
import { isFormUpload } from './feature-routing.js';
import { accessDenied, invalidArgument, MockOssError } from './mock-error.js';
import type { MockCredential } from './types.js';

/** ±15 minutes between the request's time and the server's. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest validity of a V4 presigned URL: 7 days. */
export const MAX_V4_EXPIRES_SECONDS = 604_800;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Verifies the request's signature; throws the MockOssError OSS would answer with. Undefined for a form upload, whose handler checks its policy signature. */
export function authenticate(ctx: RequestContext): MockCredential | undefined {
  if (isFormUpload(ctx.method, ctx.key, ctx.query, ctx.headers)) return undefined;
  const authorization = ctx.headers['authorization'];
  if (authorization !== undefined) {
    if (authorization.startsWith(`${V4_ALGORITHM} `)) return verifyV4Header(ctx, authorization);
    if (authorization.startsWith('OSS ')) return verifyV1Header(ctx, authorization);
    throw invalidArgument('Authorization', authorization.split(' ')[0] ?? '', 'Authorization header is invalid: the scheme must be OSS or OSS4-HMAC-SHA256.');
  }
  if (ctx.query['x-oss-signature-version'] !== undefined) return verifyV4Query(ctx);
  if (ctx.query['OSSAccessKeyId'] !== undefined || ctx.query['Signature'] !== undefined) return verifyV1Query(ctx);
  throw accessDenied('AccessDenied: anonymous access is not allowed; sign the request (Authorization header or a presigned URL).');
}

function signable(ctx: RequestContext, query: Record<string, string>): SignableRequest {
  return { method: ctx.method, bucket: ctx.bucket, key: ctx.key, query, headers: ctx.headers };
}

function credentialFor(ctx: RequestContext, accessKeyId: string): MockCredential {
  const credential = ctx.server.credentials.get(accessKeyId);
  if (!credential) {
    throw new MockOssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: accessKeyId }, '0002-00000902');
  }
  return credential;
}

/** STS keys need their token on every request; long-term keys must not carry one. */
function checkSecurityToken(credential: MockCredential, provided: string | undefined): void {
  const expected = credential.securityToken;
  if (expected === undefined && provided === undefined) return;
  if (expected !== undefined && provided !== undefined && constantTimeEqual(expected, provided)) return;
  const why = expected === undefined ? 'this access key is not an STS key, so send no security token' : 'the security token is missing or does not belong to this access key';
  throw new MockOssError(403, 'InvalidSecurityToken', `The security token you provided is invalid: ${why}.`, {}, '0002-00000904');
}

function checkSkew(ctx: RequestContext, requestMs: number, requestTime: string): void {
  const serverMs = ctx.server.clock.nowMs();
  if (Math.abs(requestMs - serverMs) <= MAX_SKEW_MS) return;
  throw new MockOssError(
    403,
    'RequestTimeTooSkewed',
    'The difference between the request time and the current time is too large.',
    { RequestTime: requestTime, ServerTime: new Date(serverMs).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) },
    '0002-00000504',
  );
}

function expired(ctx: RequestContext, expiresMs: number): MockOssError {
  return new MockOssError(403, 'AccessDenied', 'Request has expired.', {
    Expires: new Date(expiresMs).toISOString(),
    ServerTime: ctx.server.clock.now().toISOString(),
  }, '0002-00000069');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** 403 SignatureDoesNotMatch carrying the server's strings, with any STS token blanked out. */
function signatureMismatch(credential: MockCredential, provided: string, stringToSign: string, canonicalRequest?: string): MockOssError {
  const token = credential.securityToken;
  const redact = (text: string): string => (token ? text.split(token).join('<security-token>') : text);
  // The strings are the signed bytes (one character each); the XML shows them as text.
  const sts = redact(stringToSign);
  const extras: Record<string, string> = {
    OSSAccessKeyId: credential.accessKeyId,
    SignatureProvided: provided,
    StringToSign: textFromWire(sts),
    StringToSignBytes: [...Buffer.from(sts, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  };
  if (canonicalRequest !== undefined) extras['CanonicalRequest'] = textFromWire(redact(canonicalRequest));
  return new MockOssError(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    extras,
    '0002-00000040',
  );
}

// ---- V1 ----

function verifyV1Header(ctx: RequestContext, authorization: string): MockCredential {
  const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) throw invalidArgument('Authorization', authorization.slice(0, 4), 'Authorization header is invalid: expected "OSS <AccessKeyId>:<Signature>".');
  const [, accessKeyId, provided] = match;
  const credential = credentialFor(ctx, accessKeyId!);
  const dateLine = ctx.headers['x-oss-date'] ?? ctx.headers['date'];
  if (dateLine === undefined) throw new MockOssError(403, 'AccessDenied', 'AccessDenied: the request has neither a Date nor an x-oss-date header.', {}, '0002-00000503');
  const requestMs = Date.parse(dateLine);
  if (Number.isNaN(requestMs)) throw new MockOssError(403, 'AccessDenied', `AccessDenied: the date ${JSON.stringify(dateLine)} is not in RFC 1123 format.`, {}, '0002-00000502');
  checkSkew(ctx, requestMs, dateLine);
  checkSecurityToken(credential, ctx.headers['x-oss-security-token']);
  const stringToSign = stringToSignV1(signable(ctx, ctx.query), dateLine);
  if (!constantTimeEqual(signatureV1(credential.accessKeySecret, stringToSign), provided!)) throw signatureMismatch(credential, provided!, stringToSign);
  return credential;
}

function verifyV1Query(ctx: RequestContext): MockCredential {
  const { OSSAccessKeyId: accessKeyId, Expires: expires, Signature: provided } = ctx.query;
  if (!accessKeyId || !expires || !provided) {
    throw accessDenied('AccessDenied: a presigned URL needs OSSAccessKeyId, Expires and Signature.');
  }
  const credential = credentialFor(ctx, accessKeyId);
  if (!/^\d+$/.test(expires)) throw invalidArgument('Expires', expires, 'Expires must be a Unix time in seconds.');
  const expiresMs = Number(expires) * 1000;
  if (ctx.server.clock.nowMs() > expiresMs) throw expired(ctx, expiresMs);
  checkSecurityToken(credential, ctx.query['security-token']);
  const stringToSign = stringToSignV1(signable(ctx, ctx.query), expires);
  if (!constantTimeEqual(signatureV1(credential.accessKeySecret, stringToSign), provided)) throw signatureMismatch(credential, provided, stringToSign);
  return credential;
}

// ---- V4 ----

interface V4Credential {
  accessKeyId: string;
  day: string;
  region: string;
  product: string;
}

function parseCredentialScope(value: string, where: string): V4Credential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aliyun_v4_request' || !/^\d{8}$/.test(parts[1]!) || !parts[0] || !parts[2] || !parts[3]) {
    throw invalidArgument(where, value, `${where} is invalid: expected <AccessKeyId>/<YYYYMMDD>/<region>/oss/aliyun_v4_request.`);
  }
  return { accessKeyId: parts[0], day: parts[1]!, region: parts[2], product: parts[3] };
}

function parseIsoBasic(value: string | undefined, where: string): number {
  const match = value === undefined ? null : ISO_BASIC.exec(value);
  if (!match) {
    throw new MockOssError(403, 'AccessDenied', `AccessDenied: ${where} is missing or not in ISO 8601 basic format (YYYYMMDDTHHMMSSZ).`, {}, '0002-00000502');
  }
  const [, y, mo, d, h, mi, s] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) throw new MockOssError(403, 'AccessDenied', `AccessDenied: ${where} is not a valid time.`, {}, '0002-00000502');
  return ms;
}

function checkScope(ctx: RequestContext, scope: V4Credential, isoDate: string): void {
  if (scope.day !== isoDate.slice(0, 8)) {
    throw new MockOssError(403, 'AccessDenied', `AccessDenied: the credential scope date ${scope.day} does not match x-oss-date ${isoDate}.`, {}, '0002-00000505');
  }
  const expectedRegion = ctx.server.region;
  if (expectedRegion !== undefined && scope.region !== expectedRegion) {
    throw new MockOssError(403, 'AccessDenied', `AccessDenied: the credential scope region ${scope.region} is wrong; this endpoint is in region ${expectedRegion}.`, {}, '0002-00000506');
  }
}

function parseAdditionalHeaders(ctx: RequestContext, list: string | undefined): string[] {
  if (!list) return [];
  const names = list.split(';').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!name || ctx.headers[name] === undefined) {
      throw invalidArgument('AdditionalHeaders', list, `AdditionalHeaders names ${JSON.stringify(name)}, which the request does not carry.`);
    }
  }
  return names;
}

function scopeString(scope: V4Credential): string {
  return `${scope.day}/${scope.region}/${scope.product}/aliyun_v4_request`;
}

function verifyV4Signature(ctx: RequestContext, credential: MockCredential, scope: V4Credential, isoDate: string, additional: string[], query: Record<string, string>, provided: string): void {
  const canonicalRequest = canonicalRequestV4(signable(ctx, query), additional, UNSIGNED_PAYLOAD);
  const stringToSign = stringToSignV4(isoDate, scopeString(scope), canonicalRequest);
  const expected = signatureV4(credential.accessKeySecret, isoDate, scope.region, scope.product, stringToSign);
  if (!constantTimeEqual(expected, provided.toLowerCase())) throw signatureMismatch(credential, provided, stringToSign, canonicalRequest);
}

function verifyV4Header(ctx: RequestContext, authorization: string): MockCredential {
  const fields = new Map<string, string>();
  for (const field of authorization.slice(V4_ALGORITHM.length).trim().split(/\s*,\s*/)) {
    const eq = field.indexOf('=');
    if (eq > 0) fields.set(field.slice(0, eq).trim(), field.slice(eq + 1).trim());
  }
  const credentialField = fields.get('Credential');
  const provided = fields.get('Signature');
  if (!credentialField || !provided) {
    throw invalidArgument('Authorization', V4_ALGORITHM, 'Authorization header is invalid: expected "OSS4-HMAC-SHA256 Credential=...,[AdditionalHeaders=...,]Signature=...".');
  }
  const scope = parseCredentialScope(credentialField, 'Credential');
  const credential = credentialFor(ctx, scope.accessKeyId);
  const isoDate = ctx.headers['x-oss-date'];
  const requestMs = parseIsoBasic(isoDate, 'the x-oss-date header');
  checkScope(ctx, scope, isoDate!);
  checkSkew(ctx, requestMs, isoDate!);
  const payload = ctx.headers['x-oss-content-sha256'];
  if (payload !== UNSIGNED_PAYLOAD) {
    throw invalidArgument('x-oss-content-sha256', payload ?? '', `x-oss-content-sha256 must be ${UNSIGNED_PAYLOAD}.`);
  }
  checkSecurityToken(credential, ctx.headers['x-oss-security-token']);
  const additional = parseAdditionalHeaders(ctx, fields.get('AdditionalHeaders'));
  verifyV4Signature(ctx, credential, scope, isoDate!, additional, ctx.query, provided);
  return credential;
}

function verifyV4Query(ctx: RequestContext): MockCredential {
  const { query } = ctx;
  if (query['x-oss-signature-version'] !== V4_ALGORITHM) {
    throw invalidArgument('x-oss-signature-version', query['x-oss-signature-version'] ?? '', `x-oss-signature-version must be ${V4_ALGORITHM}.`);
  }
  const provided = query['x-oss-signature'];
  const credentialField = query['x-oss-credential'];
  if (!provided || !credentialField) throw accessDenied('AccessDenied: a V4 presigned URL needs x-oss-credential and x-oss-signature.');
  const scope = parseCredentialScope(credentialField, 'x-oss-credential');
  const credential = credentialFor(ctx, scope.accessKeyId);
  const isoDate = query['x-oss-date'];
  const requestMs = parseIsoBasic(isoDate, 'the x-oss-date parameter');
  checkScope(ctx, scope, isoDate!);
  const expires = query['x-oss-expires'] ?? '';
  if (!/^\d+$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_V4_EXPIRES_SECONDS) {
    throw invalidArgument('x-oss-expires', expires, `x-oss-expires must be a whole number of seconds from 1 to ${MAX_V4_EXPIRES_SECONDS}.`);
  }
  const expiresMs = requestMs + Number(expires) * 1000;
  if (ctx.server.clock.nowMs() > expiresMs) throw expired(ctx, expiresMs);
  // A URL signed "in the future" is as suspicious as a header date would be.
  if (requestMs - ctx.server.clock.nowMs() > MAX_SKEW_MS) checkSkew(ctx, requestMs, isoDate!);
  checkSecurityToken(credential, query['x-oss-security-token']);
  const additional = parseAdditionalHeaders(ctx, query['x-oss-additional-headers']);
  const signedQuery = { ...query };
  delete signedQuery['x-oss-signature'];
  verifyV4Signature(ctx, credential, scope, isoDate!, additional, signedQuery, provided);
  return credential;
}

// ---- PostObject (browser form upload): the policy document is what is signed ----

/**
 * Verifies a PostObject form's signature over its base64 policy: V1 (OSSAccessKeyId, Signature =
 * base64 HMAC-SHA1) or V4 (x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-signature
 * = hex HMAC-SHA256 with the V4 signing key). `fields` has lower-case names.
 */
export function verifyPostPolicySignature(ctx: RequestContext, fields: Record<string, string>, policy: string): MockCredential {
  const version = fields['x-oss-signature-version'];
  if (version !== undefined) {
    if (version !== V4_ALGORITHM) throw invalidArgument('x-oss-signature-version', version, `x-oss-signature-version must be ${V4_ALGORITHM}.`);
    const provided = fields['x-oss-signature'];
    const credentialField = fields['x-oss-credential'];
    if (!provided || !credentialField) throw accessDenied('AccessDenied: a V4-signed form needs x-oss-credential, x-oss-date and x-oss-signature fields.');
    const scope = parseCredentialScope(credentialField, 'x-oss-credential');
    const credential = credentialFor(ctx, scope.accessKeyId);
    const isoDate = fields['x-oss-date'];
    parseIsoBasic(isoDate, 'the x-oss-date field');
    checkScope(ctx, scope, isoDate!);
    checkSecurityToken(credential, fields['x-oss-security-token']);
    const expected = signatureV4(credential.accessKeySecret, isoDate!, scope.region, scope.product, policy);
    if (!constantTimeEqual(expected, provided.toLowerCase())) throw signatureMismatch(credential, provided, policy);
    return credential;
  }
  const accessKeyId = fields['ossaccesskeyid'];
  const provided = fields['signature'];
  if (!accessKeyId || !provided) throw accessDenied('AccessDenied: anonymous access is not allowed; sign the form (OSSAccessKeyId, policy and Signature, or the V4 fields).');
  const credential = credentialFor(ctx, accessKeyId);
  checkSecurityToken(credential, fields['x-oss-security-token']);
  if (!constantTimeEqual(signatureV1(credential.accessKeySecret, policy), provided)) throw signatureMismatch(credential, provided, policy);
  return credential;
}
