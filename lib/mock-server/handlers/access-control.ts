// The one owner the mock has (every bucket and object belongs to it), and the ACLs it records for
// buckets and objects: checked and returned as OSS does, never enforced.
import { invalidArgument } from '../mock-error.js';
import { el, xmlDocument } from '../responses.js';

export const MOCK_OWNER_ID = 'mock-owner';

export function ownerXml(): string {
  return `<Owner>${el('ID', MOCK_OWNER_ID)}${el('DisplayName', MOCK_OWNER_ID)}</Owner>`;
}

/** The ACL header `name` (x-oss-acl, x-oss-object-acl), checked against `allowed`; undefined when absent. */
export function aclFromHeader(headers: Record<string, string>, name: string, allowed: readonly string[], what: string): string | undefined {
  const acl = headers[name];
  if (acl === undefined) return undefined;
  if (!allowed.includes(acl)) throw invalidArgument(name, acl, `The ${what} ACL must be one of ${allowed.join(', ')}.`);
  return acl;
}

/** GetBucketAcl's and GetObjectAcl's answer. */
export function accessControlPolicyXml(grant: string): string {
  return xmlDocument('AccessControlPolicy', [ownerXml(), `<AccessControlList>${el('Grant', grant)}</AccessControlList>`]);
}
