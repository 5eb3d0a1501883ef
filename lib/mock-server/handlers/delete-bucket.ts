// DeleteBucket: DELETE / on a bucket → 204. A bucket that still holds objects or multipart
// uploads in progress is 409 BucketNotEmpty (abort the uploads first, as OSS requires); a missing
// one is NoSuchBucket before this handler runs.
import type { RequestContext } from '../context.js';
import { MockOssError } from '../mock-error.js';
import { send } from '../responses.js';

export async function deleteBucket(ctx: RequestContext): Promise<void> {
  const bucket = ctx.bucket!;
  if (!(await ctx.server.store.deleteBucket(bucket))) {
    throw new MockOssError(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty.', { BucketName: bucket });
  }
  await send(ctx, 204, {});
}
