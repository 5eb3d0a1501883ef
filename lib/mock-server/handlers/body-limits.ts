// Size rules for object and part bodies: Content-Length required, at most 5 GiB, and all of it sent.
import type { RequestContext } from '../context.js';
import { entityTooLarge, missingContentLength, MockOssError } from '../mock-error.js';

export const MAX_BODY_BYTES = 5 * 1024 * 1024 * 1024;

/** The declared body length; 411 without Content-Length, EntityTooLarge above 5 GiB. */
export function requireContentLength(ctx: RequestContext): number {
  const length = ctx.body.declaredLength;
  if (length === undefined || ctx.body.isChunked) throw missingContentLength();
  if (length > MAX_BODY_BYTES) throw entityTooLarge(length, MAX_BODY_BYTES);
  return length;
}

export function incompleteBody(expected: number, received: number): MockOssError {
  return new MockOssError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', {
    ExpectedLength: String(expected),
    ReceivedLength: String(received),
  });
}
