// PutObjectAcl (PUT /<key>?acl with x-oss-object-acl) and GetObjectAcl (GET /<key>?acl). The
// ACL is recorded, not enforced: every request to the mock is signed by a known key anyway.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { send, sendXml } from '../responses.js';
import { accessControlPolicyXml, aclFromHeader } from './access-control.js';
import { requireObjectRecord, updateObject } from './object-update.js';

/** 'default' means the bucket's ACL applies. */
export const OBJECT_ACLS = ['default', 'private', 'public-read', 'public-read-write'];

/** x-oss-object-acl, checked; undefined when the request has none. */
export function objectAclFrom(headers: Record<string, string>): string | undefined {
  return aclFromHeader(headers, 'x-oss-object-acl', OBJECT_ACLS, 'object');
}

export async function putObjectAcl(ctx: RequestContext): Promise<void> {
  const acl = objectAclFrom(ctx.headers);
  if (acl === undefined) throw invalidArgument('x-oss-object-acl', '', 'PutObjectAcl needs the x-oss-object-acl header.');
  await updateObject(ctx, (record) => ({ ...record, acl }));
  await send(ctx, 200, {});
}

export async function getObjectAcl(ctx: RequestContext): Promise<void> {
  const record = requireObjectRecord(ctx);
  await sendXml(ctx, 200, accessControlPolicyXml(record.acl ?? 'default'));
}
