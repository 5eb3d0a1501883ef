// Routes for service- and bucket-level operations beyond PutBucket, ListObjects and
// ListMultipartUploads: ListBuckets, DeleteBucket, GetBucketInfo, Get/PutBucketAcl, ListObjectsV2
// and DeleteMultipleObjects. routeOperation asks here first; undefined sends a request on to the
// core routes (and their NotImplemented answers).
import type { OperationName } from './types.js';

/** The operations added by the bucket handlers. */
export type BucketOperationName =
  | 'ListBuckets'
  | 'DeleteBucket'
  | 'GetBucketInfo'
  | 'GetBucketAcl'
  | 'PutBucketAcl'
  | 'ListObjectsV2'
  | 'DeleteMultipleObjects';

/** Query parameters of presigned URLs: they authenticate a request, they do not name an operation. */
const PRESIGN_PARAMETERS = new Set([
  'OSSAccessKeyId', 'Expires', 'Signature', 'security-token',
  'x-oss-signature-version', 'x-oss-credential', 'x-oss-date', 'x-oss-expires', 'x-oss-signature', 'x-oss-additional-headers', 'x-oss-security-token',
]);
const LIST_BUCKETS_PARAMETERS = new Set(['prefix', 'marker', 'max-keys']);

/** Whether the query holds nothing but `allowed` parameters and presign parameters. */
function onlyParameters(query: Record<string, string>, allowed: ReadonlySet<string> = new Set()): boolean {
  return Object.keys(query).every((name) => allowed.has(name) || PRESIGN_PARAMETERS.has(name));
}

/** GET / on the service endpoint (no bucket) is ListBuckets; anything else there the mock lacks. */
export function routeServiceOperation(method: string, query: Record<string, string>): OperationName | undefined {
  return method === 'GET' && onlyParameters(query, LIST_BUCKETS_PARAMETERS) ? 'ListBuckets' : undefined;
}

/** The bucket-level operation a request without a key names, if it is one of these. */
export function routeBucketOperation(method: string, query: Record<string, string>): OperationName | undefined {
  // The mock keeps no versions: a versioned request goes on to NotImplemented.
  if ('versionId' in query) return undefined;
  const has = (name: string): boolean => name in query;
  const byMethod = (routes: Partial<Record<string, OperationName>>): OperationName | undefined => routes[method];
  if (has('acl')) return byMethod({ GET: 'GetBucketAcl', PUT: 'PutBucketAcl' });
  if (has('bucketInfo')) return byMethod({ GET: 'GetBucketInfo' });
  if (has('delete')) return byMethod({ POST: 'DeleteMultipleObjects' });
  if (has('list-type')) return byMethod({ GET: 'ListObjectsV2' });
  // DELETE /?cors, /?lifecycle... delete a bucket's configuration, never the bucket.
  if (method === 'DELETE' && onlyParameters(query)) return 'DeleteBucket';
  return undefined;
}
