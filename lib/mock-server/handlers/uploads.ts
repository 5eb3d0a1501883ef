// Finding the multipart upload a request names.
import type { RequestContext } from '../context.js';
import { noSuchUpload } from '../mock-error.js';
import type { UploadRecord } from '../store.js';

/** The live upload of this bucket and key named by ?uploadId; NoSuchUpload otherwise (also for another key's upload). */
export function requireUpload(ctx: RequestContext): UploadRecord {
  const uploadId = ctx.query['uploadId'] ?? '';
  const upload = ctx.server.store.findUpload(ctx.bucket!, uploadId);
  if (!upload || upload.key !== ctx.key) throw noSuchUpload(uploadId);
  return upload;
}

/** ListParts / ListMultipartUploads time format: ISO 8601 UTC with milliseconds. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
