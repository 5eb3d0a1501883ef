// Routes for the object features beyond uploads and plain reads: copies, ACL, tagging, append,
// symlinks, restore, GetObjectMeta, image processing and browser form uploads. routeOperation asks
// here first; undefined sends a request on to the core routes (and their NotImplemented answers).
import type { OperationName } from './types.js';

/** The operations added by the feature handlers. */
export type FeatureOperationName =
  | 'CopyObject'
  | 'UploadPartCopy'
  | 'PutObjectAcl'
  | 'GetObjectAcl'
  | 'PutObjectTagging'
  | 'GetObjectTagging'
  | 'DeleteObjectTagging'
  | 'AppendObject'
  | 'PutSymlink'
  | 'GetSymlink'
  | 'RestoreObject'
  | 'PostObject'
  | 'GetObjectMeta'
  | 'GetProcessedImage'
  | 'ProcessObjectSave';

/**
 * A browser form upload: POST to the bucket itself, no query, a multipart/form-data body and no
 * Authorization header. Its signature is inside the form (the policy), so header authentication
 * does not apply; the PostObject handler verifies it.
 */
export function isFormUpload(method: string, key: string | undefined, query: Record<string, string>, headers: Record<string, string>): boolean {
  return (
    method === 'POST' &&
    key === undefined &&
    Object.keys(query).length === 0 &&
    headers['authorization'] === undefined &&
    /^multipart\/form-data\s*;/i.test(headers['content-type'] ?? '')
  );
}

export function routeFeature(method: string, key: string | undefined, query: Record<string, string>, headers: Record<string, string>): OperationName | undefined {
  if (key === undefined) return isFormUpload(method, key, query, headers) ? 'PostObject' : undefined;
  // The mock keeps no versions: a versioned request goes on to NotImplemented.
  if ('versionId' in query) return undefined;
  const has = (name: string): boolean => name in query;
  const byMethod = (routes: Partial<Record<string, OperationName>>): OperationName | undefined => routes[method];
  if (has('acl')) return byMethod({ PUT: 'PutObjectAcl', GET: 'GetObjectAcl' });
  if (has('tagging')) return byMethod({ PUT: 'PutObjectTagging', GET: 'GetObjectTagging', DELETE: 'DeleteObjectTagging' });
  if (has('symlink')) return byMethod({ PUT: 'PutSymlink', GET: 'GetSymlink' });
  if (has('restore')) return byMethod({ POST: 'RestoreObject' });
  if (has('objectMeta')) return byMethod({ HEAD: 'GetObjectMeta' });
  if (has('append')) return byMethod({ POST: 'AppendObject' });
  // GET ?x-oss-process=image/..., and processObjectSave's POST (its processing is in the body). A POST
  // with a value (SelectObject's csv/select), HEAD and PUT go on to NotImplemented.
  if (has('x-oss-process')) return method === 'POST' && query['x-oss-process'] !== '' ? undefined : byMethod({ GET: 'GetProcessedImage', POST: 'ProcessObjectSave' });
  if (method === 'PUT' && headers['x-oss-copy-source'] !== undefined && !has('x-oss-process')) {
    return has('uploadId') || has('partNumber') ? 'UploadPartCopy' : 'CopyObject';
  }
  return undefined;
}
