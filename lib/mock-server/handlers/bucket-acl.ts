// GetBucketAcl (GET /?acl) and PutBucketAcl (PUT /?acl with x-oss-acl): the bucket's ACL, also
// set by PutBucket's x-oss-acl. Recorded, not enforced: every request to the mock is signed by a
// known key anyway.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { send, sendXml } from '../responses.js';
import { accessControlPolicyXml, aclFromHeader } from './access-control.js';

export const BUCKET_ACLS = ['private', 'public-read', 'public-read-write'];

/** x-oss-acl, checked; undefined when the request has none. */
export function bucketAclFrom(headers: Record<string, string>): string | undefined {
  return aclFromHeader(headers, 'x-oss-acl', BUCKET_ACLS, 'bucket');
}

export async function getBucketAcl(ctx: RequestContext): Promise<void> {
  const bucket = ctx.server.store.bucketSummary(ctx.bucket!)!;
  await sendXml(ctx, 200, accessControlPolicyXml(bucket.acl));
}

export async function putBucketAcl(ctx: RequestContext): Promise<void> {
  const acl = bucketAclFrom(ctx.headers);
  if (acl === undefined) throw invalidArgument('x-oss-acl', '', 'PutBucketAcl needs the x-oss-acl header.');
  await ctx.server.store.setBucketAcl(ctx.bucket!, acl);
  await send(ctx, 200, { Location: `/${ctx.bucket}` });
}
