// HTTP preconditions (RFC 7232 §6), as GET/HEAD take them in If-* headers and CopyObject /
// UploadPartCopy in x-oss-copy-source-if-*: If-Match, then (only without it) If-Unmodified-Since —
// failing either is 412 PreconditionFailed; then If-None-Match, then (only without it)
// If-Modified-Since — failing either is 304 Not Modified. Dates compare at whole seconds, as
// Last-Modified has them; a date that does not parse is ignored, as HTTP says.
import { MockOssError } from '../mock-error.js';

/** The outcome of the preconditions: go ahead, or answer 304 without doing it. */
export type Precondition = 'proceed' | 'not-modified';

export interface ConditionHeaders {
  ifMatch: string;
  ifNoneMatch: string;
  ifModifiedSince: string;
  ifUnmodifiedSince: string;
}

/** What GET and HEAD read. */
export const REQUEST_CONDITIONS: ConditionHeaders = {
  ifMatch: 'if-match',
  ifNoneMatch: 'if-none-match',
  ifModifiedSince: 'if-modified-since',
  ifUnmodifiedSince: 'if-unmodified-since',
};

/** What CopyObject and UploadPartCopy read, about the source. */
export const COPY_SOURCE_CONDITIONS: ConditionHeaders = {
  ifMatch: 'x-oss-copy-source-if-match',
  ifNoneMatch: 'x-oss-copy-source-if-none-match',
  ifModifiedSince: 'x-oss-copy-source-if-modified-since',
  ifUnmodifiedSince: 'x-oss-copy-source-if-unmodified-since',
};

function etagMatches(condition: string, etag: string): boolean {
  const bare = (value: string): string => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toUpperCase();
  return condition.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

function httpDateSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export const preconditionFailed = (condition: string): MockOssError =>
  new MockOssError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.', { Condition: condition }, '0026-00000009');

/** Checks the conditions `names` picks out of `headers` against an entity; throws 412, or says to answer 304. */
export function evaluatePreconditions(headers: Record<string, string>, names: ConditionHeaders, entity: { etag: string; lastModified: number }): Precondition {
  const modifiedSeconds = Math.floor(entity.lastModified / 1000);
  const ifMatch = headers[names.ifMatch];
  if (ifMatch !== undefined && !etagMatches(ifMatch, entity.etag)) throw preconditionFailed('If-Match');
  const unmodifiedSince = httpDateSeconds(headers[names.ifUnmodifiedSince]);
  if (ifMatch === undefined && unmodifiedSince !== undefined && modifiedSeconds > unmodifiedSince) throw preconditionFailed('If-Unmodified-Since');
  const ifNoneMatch = headers[names.ifNoneMatch];
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, entity.etag)) return 'not-modified';
  const modifiedSince = httpDateSeconds(headers[names.ifModifiedSince]);
  if (ifNoneMatch === undefined && modifiedSince !== undefined && modifiedSeconds <= modifiedSince) return 'not-modified';
  return 'proceed';
}
