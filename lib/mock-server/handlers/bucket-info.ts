// GetBucketInfo: GET /?bucketInfo. What the mock knows of a bucket (name, creation time, storage
// class, redundancy, ACL, owner, endpoints) and fixed answers for what it does not have
// (no encryption rule, versioning, replication, acceleration or logging). SDKs also use it to
// test whether a bucket exists: a missing one is NoSuchBucket before this handler runs.
import type { RequestContext } from '../context.js';
import { el, sendXml, xmlDocument } from '../responses.js';
import { ownerXml } from './access-control.js';
import { isoMs } from './uploads.js';

const DEFAULT_REGION = 'cn-hangzhou';

/** The bucket's region (the server's, if it has one) and the endpoint the client reached it by. */
export function bucketEndpoints(ctx: RequestContext): { location: string; extranet: string; intranet: string } {
  const location = `oss-${ctx.server.region ?? DEFAULT_REGION}`;
  // Virtual-hosted requests name the bucket in the Host; the endpoint is what follows it.
  const endpoint = ctx.virtualHosted && ctx.bucket !== undefined && ctx.host.startsWith(`${ctx.bucket}.`) ? ctx.host.slice(ctx.bucket.length + 1) : ctx.host;
  return { location, extranet: endpoint, intranet: endpoint };
}

export async function getBucketInfo(ctx: RequestContext): Promise<void> {
  const bucket = ctx.server.store.bucketSummary(ctx.bucket!)!;
  const { location, extranet, intranet } = bucketEndpoints(ctx);
  const fields = [
    el('AccessMonitor', 'Disabled'),
    el('CreationDate', isoMs(bucket.created)),
    el('ExtranetEndpoint', extranet),
    el('IntranetEndpoint', intranet),
    el('Location', location),
    el('StorageClass', bucket.storageClass),
    el('TransferAcceleration', 'Disabled'),
    el('CrossRegionReplication', 'Disabled'),
    el('Name', bucket.name),
    el('ResourceGroupId', 'rg-default-id'),
    ownerXml(),
    `<AccessControlList>${el('Grant', bucket.acl)}</AccessControlList>`,
    el('Comment', ''),
    el('DataRedundancyType', bucket.dataRedundancyType),
    `<ServerSideEncryptionRule>${el('SSEAlgorithm', 'None')}</ServerSideEncryptionRule>`,
    `<BucketPolicy>${el('LogBucket', '')}${el('LogPrefix', '')}</BucketPolicy>`,
  ];
  await sendXml(ctx, 200, xmlDocument('BucketInfo', [`<Bucket>${fields.join('')}</Bucket>`]));
}
