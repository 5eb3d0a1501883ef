// PutObjectAcl (PUT /<key>?acl with x-oss-object-acl) and GetObjectAcl (GET /<key>?acl). The
// ACL is recorded, not enforced: every request to the mock is signed by a known key anyway.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el, send, sendXml, xmlDocument } from '../responses.js';
import { requireObjectRecord, updateObject } from './object-update.js';

/** 'default' means the bucket's ACL applies. */
export const OBJECT_ACLS = ['default', 'private', 'public-read', 'public-read-write'];
export const MOCK_OWNER_ID = 'mock-owner';

/** x-oss-object-acl, checked; undefined when the request has none. */
export function objectAclFrom(headers: Record<string, string>): string | undefined {
  const acl = headers['x-oss-object-acl'];
  if (acl === undefined) return undefined;
  if (!OBJECT_ACLS.includes(acl)) throw invalidArgument('x-oss-object-acl', acl, `The object ACL must be one of ${OBJECT_ACLS.join(', ')}.`);
  return acl;
}

export async function putObjectAcl(ctx: RequestContext): Promise<void> {
  const acl = objectAclFrom(ctx.headers);
  if (acl === undefined) throw invalidArgument('x-oss-object-acl', '', 'PutObjectAcl needs the x-oss-object-acl header.');
  await updateObject(ctx, (record) => ({ ...record, acl }));
  await send(ctx, 200, {});
}

export async function getObjectAcl(ctx: RequestContext): Promise<void> {
  const record = requireObjectRecord(ctx);
  const owner = `<Owner>${el('ID', MOCK_OWNER_ID)}${el('DisplayName', MOCK_OWNER_ID)}</Owner>`;
  await sendXml(ctx, 200, xmlDocument('AccessControlPolicy', [owner, `<AccessControlList>${el('Grant', record.acl ?? 'default')}</AccessControlList>`]));
}
