// Size rules for object and part bodies: a Content-Length or a chunked body, at most 5 GiB
// (a chunked body is checked while it streams, see receiveBody), and all of it sent.
import type { RequestContext } from '../context.js';
import { entityTooLarge, missingContentLength, MockOssError } from '../mock-error.js';

export const MAX_BODY_BYTES = 5 * 1024 * 1024 * 1024;

/**
 * The declared body length, or undefined for a chunked body (Transfer-Encoding without
 * Content-Length, which OSS accepts); 411 with neither, EntityTooLarge above the limit.
 */
export function declaredBodyLength(ctx: RequestContext): number | undefined {
  if (ctx.body.isChunked) return undefined;
  const length = ctx.body.declaredLength;
  if (length === undefined) throw missingContentLength();
  if (length > ctx.server.maxBodyBytes) throw entityTooLarge(length, ctx.server.maxBodyBytes);
  return length;
}

/** IncompleteBody when a body with a Content-Length ended early. */
export function checkReceivedLength(declared: number | undefined, received: number): void {
  if (declared !== undefined && received !== declared) throw incompleteBody(declared, received);
}

export function incompleteBody(expected: number, received: number): MockOssError {
  return new MockOssError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', {
    ExpectedLength: String(expected),
    ReceivedLength: String(received),
  });
}
