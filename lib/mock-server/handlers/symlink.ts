// PutSymlink (PUT /<key>?symlink with x-oss-symlink-target) and GetSymlink (GET /<key>?symlink).
// A symlink is an object of type Symlink with no data of its own; GET and HEAD on it answer
// with the target's data and its length, ETag and checksums, and the symlink's own metadata.
import { rm, writeFile } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import { md5OfBytes } from '../../hash/md5.js';
import { encodeKeyPath } from '../../signer/uri-encode.js';
import { checkObjectKey } from '../keys.js';
import { fileAlreadyExists, invalidArgument, MockOssError } from '../mock-error.js';
import { send } from '../responses.js';
import type { MockStore, ObjectRecord } from '../store.js';
import { forbidsOverwrite, objectResponseHeaders, storedHeadersFrom } from './object-headers.js';
import { requireObjectRecord } from './object-update.js';
import { refuseEncryptionHeaders } from './server-side-encryption.js';

/** CRC-64 of no bytes. */
const EMPTY_CRC64 = '0';

/**
 * The object whose data a GET of `record` returns: itself, or a symlink's target. OSS follows
 * one link only: a target that is itself a symlink is 400 InvalidTargetType (not a missing
 * target), which SDKs report from HEAD's x-oss-err header.
 */
export function resolveSymlink(store: MockStore, bucket: string, record: ObjectRecord): ObjectRecord {
  if (record.objectType !== 'Symlink') return record;
  const target = store.getObject(bucket, record.symlinkTarget!);
  if (!target) {
    throw new MockOssError(404, 'SymlinkTargetNotExist', 'The symlink target object does not exist.', { Key: record.key, Target: record.symlinkTarget! }, '0026-00000012');
  }
  if (target.objectType === 'Symlink') {
    throw new MockOssError(400, 'InvalidTargetType', 'The symlink target object is itself a symlink.', { Key: record.key, Target: record.symlinkTarget! });
  }
  return target;
}

/** GET/HEAD headers for a symlink: the target's size-bound fields over the symlink's own. */
export function symlinkResponseHeaders(symlink: ObjectRecord, target: ObjectRecord): Record<string, string | number> {
  const own = objectResponseHeaders(symlink);
  const data = objectResponseHeaders(target);
  const headers: Record<string, string | number> = { ...own, ETag: target.etag, 'x-oss-hash-crc64ecma': target.crc64 };
  delete headers['Content-MD5'];
  if (data['Content-MD5'] !== undefined) headers['Content-MD5'] = data['Content-MD5'];
  headers['Last-Modified'] = new Date(Math.max(symlink.lastModified, target.lastModified)).toUTCString();
  return headers;
}

function symlinkTargetFrom(headers: Record<string, string>): string {
  const raw = headers['x-oss-symlink-target'];
  if (raw === undefined || raw === '') throw invalidArgument('x-oss-symlink-target', '', 'PutSymlink needs the x-oss-symlink-target header (the URL-encoded target key).');
  let target: string;
  try {
    target = decodeURIComponent(raw);
  } catch {
    throw invalidArgument('x-oss-symlink-target', raw, 'x-oss-symlink-target is not validly URL-encoded.');
  }
  checkObjectKey(target);
  return target;
}

export async function putSymlink(ctx: RequestContext): Promise<void> {
  const { store, clock } = ctx.server;
  const bucket = ctx.bucket!;
  const key = ctx.key!;
  const target = symlinkTargetFrom(ctx.headers);
  refuseEncryptionHeaders(ctx.headers, 'PutSymlink');
  const stored = storedHeadersFrom(ctx.headers);
  const forbidOverwrite = forbidsOverwrite(ctx.headers);
  const etag = `"${(await md5OfBytes(Buffer.from(target, 'utf8'))).hex}"`;
  const temp = store.tempPath('symlink');
  await writeFile(temp, '');
  try {
    await store.withObjectLock(bucket, key, async () => {
      if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();
      await store.commitObject(bucket, { key, size: 0, etag, crc64: EMPTY_CRC64, objectType: 'Symlink', symlinkTarget: target, lastModified: clock.nowMs(), ...stored }, temp);
    });
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await send(ctx, 200, { ETag: etag });
}

export async function getSymlink(ctx: RequestContext): Promise<void> {
  const record = requireObjectRecord(ctx);
  if (record.objectType !== 'Symlink') throw new MockOssError(400, 'NotSymlink', 'The specified object is not a symlink.', { Key: ctx.key! }, '0026-00000014');
  const headers = objectResponseHeaders(record);
  delete headers['x-oss-hash-crc64ecma'];
  await send(ctx, 200, { ...headers, 'x-oss-symlink-target': encodeKeyPath(record.symlinkTarget!) });
}
