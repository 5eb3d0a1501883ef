// DeleteObject: DELETE /<key> → 204, whether or not the object existed (as OSS does).
import type { RequestContext } from '../context.js';
import { send } from '../responses.js';

export async function deleteObject(ctx: RequestContext): Promise<void> {
  const { store } = ctx.server;
  await store.withObjectLock(ctx.bucket!, ctx.key!, () => store.deleteObject(ctx.bucket!, ctx.key!));
  await send(ctx, 204, {});
}
