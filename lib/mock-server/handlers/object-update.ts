// Changing what the store records about an existing object without touching its data
// (ACL, tags, restore state), and finding the object a request names.
import type { RequestContext } from '../context.js';
import { noSuchKey } from '../mock-error.js';
import type { ObjectRecord } from '../store.js';

/** The object the request's key names, as stored (a symlink is not followed); NoSuchKey otherwise. */
export function requireObjectRecord(ctx: RequestContext): ObjectRecord {
  const record = ctx.server.store.getObject(ctx.bucket!, ctx.key!);
  if (!record) throw noSuchKey(ctx.key!);
  return record;
}

/** Applies `change` to the request's object under its lock; `change` may throw to refuse. Returns the new record. */
export async function updateObject(ctx: RequestContext, change: (record: ObjectRecord) => ObjectRecord): Promise<ObjectRecord> {
  const { store } = ctx.server;
  return store.withObjectLock(ctx.bucket!, ctx.key!, async () => {
    const updated = change(requireObjectRecord(ctx));
    await store.updateObjectRecord(ctx.bucket!, updated);
    return updated;
  });
}
