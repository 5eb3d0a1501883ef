// AbortMultipartUpload: DELETE /<key>?uploadId=ID → 204, every part deleted.
import type { RequestContext } from '../context.js';
import { noSuchUpload } from '../mock-error.js';
import { send } from '../responses.js';
import { requireUpload } from './uploads.js';

export async function abortMultipartUpload(ctx: RequestContext): Promise<void> {
  const { store } = ctx.server;
  const upload = requireUpload(ctx);
  await store.withUploadLock(upload, async () => {
    // A Complete or Abort that got the lock first wins.
    if (upload.gone) throw noSuchUpload(upload.uploadId);
    await store.removeUpload(upload);
  });
  await send(ctx, 204, {});
}
