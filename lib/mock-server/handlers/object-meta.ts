// GetObjectMeta: HEAD /<key>?objectMeta. The object's basic metadata only — ETag, size and
// Last-Modified — without its user metadata or other headers (through a symlink: its target's
// ETag and size, as a GET would read them). Archived objects answer too: metadata needs no restore.
import type { RequestContext } from '../context.js';
import { beginResponse } from '../responses.js';
import { requireObject } from './read-object.js';

export async function getObjectMeta(ctx: RequestContext): Promise<void> {
  const { record, data } = requireObject(ctx);
  const lastModified = new Date(Math.max(record.lastModified, data.lastModified)).toUTCString();
  if (!(await beginResponse(ctx, 200, { ETag: data.etag, 'Last-Modified': lastModified, 'Content-Length': data.size }))) return;
  ctx.res.end();
}
