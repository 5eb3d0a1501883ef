// The handlers of the operations bucket-routing.ts routes, for the server's handler table.
import type { BucketOperationName } from '../bucket-routing.js';
import type { RequestContext } from '../context.js';
import { getBucketAcl, putBucketAcl } from './bucket-acl.js';
import { getBucketInfo } from './bucket-info.js';
import { deleteBucket } from './delete-bucket.js';
import { deleteMultipleObjects } from './delete-multiple-objects.js';
import { listBuckets } from './list-buckets.js';
import { listObjectsV2 } from './list-objects-v2.js';

export const BUCKET_OPERATION_HANDLERS: Record<BucketOperationName, (ctx: RequestContext) => Promise<void>> = {
  ListBuckets: listBuckets,
  DeleteBucket: deleteBucket,
  GetBucketInfo: getBucketInfo,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
  ListObjectsV2: listObjectsV2,
  DeleteMultipleObjects: deleteMultipleObjects,
};
