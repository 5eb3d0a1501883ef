// AppendObject: POST /<key>?append&position=P. The first append (position 0, no object yet)
// creates an Appendable object with this request's headers; each later one must name the
// current length as its position (else 409 PositionNotEqualToLength, with the right position in
// x-oss-next-append-position) and only adds data. Normal and Multipart objects refuse with 409
// ObjectNotAppendable. The object's data is copied to a fresh file and the body appended to it,
// so a reader never sees a half-appended object.
import { copyFile, rm } from 'node:fs/promises';
import { crc64Combine, crcToBigInt } from '../../hash/crc64.js';
import { md5OfBytes } from '../../hash/md5.js';
import { receiveChunks } from '../body-sink.js';
import type { RequestContext } from '../context.js';
import { entityTooLarge, invalidArgument, MockOssError } from '../mock-error.js';
import { send } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { declaredBodyLength, incompleteBody, MAX_BODY_BYTES } from './body-limits.js';
import { checkMd5, expectedMd5Hex } from './content-md5.js';
import { pickStoredHeaders, storedHeadersFrom } from './object-headers.js';
import { encryptionHeaders } from './server-side-encryption.js';

function parsePosition(query: Record<string, string>): number {
  const raw = query['position'];
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) throw invalidArgument('position', raw ?? '', 'AppendObject needs ?position= with the current length of the object (0 to create it).');
  return Number(raw);
}

function positionNotEqualToLength(current: ObjectRecord | undefined): MockOssError {
  return new MockOssError(409, 'PositionNotEqualToLength', 'Position is not equal to file length', {}, '0026-00000016', {
    'x-oss-next-append-position': String(current?.size ?? 0),
    ...(current ? { 'x-oss-hash-crc64ecma': current.crc64 } : {}),
  });
}

export async function appendObject(ctx: RequestContext): Promise<void> {
  const { store, clock, discard } = ctx.server;
  const bucket = ctx.bucket!;
  const key = ctx.key!;
  const position = parsePosition(ctx.query);
  // A chunked body (ali-oss appends streams so) has no declared length; its size is checked as it streams.
  const length = declaredBodyLength(ctx);
  const expectedMd5 = expectedMd5Hex(ctx.headers);
  const check = (): ObjectRecord | undefined => {
    const current = store.getObject(bucket, key);
    if (current && current.objectType !== 'Appendable') throw new MockOssError(409, 'ObjectNotAppendable', 'The object is not appendable', {}, '0026-00000015');
    if ((current?.size ?? 0) !== position) throw positionNotEqualToLength(current);
    if (position + (length ?? 0) > MAX_BODY_BYTES) throw entityTooLarge(position + (length ?? 0), MAX_BODY_BYTES);
    return current;
  };
  // Refuse before the body is read when we already know the answer; checked again under the lock.
  check();
  const created = storedHeadersFrom(ctx.headers);

  const appended = await store.withObjectLock(bucket, key, async () => {
    const current = check();
    const temp = discard ? undefined : store.tempPath('append');
    try {
      if (temp && current) await copyFile(store.objectDataPath(bucket, current), temp);
      const received = await receiveChunks(ctx.body.chunks(), temp, { append: Boolean(temp && current), maxBytes: MAX_BODY_BYTES - position });
      if (length !== undefined && received.size !== length) throw incompleteBody(length, received.size);
      checkMd5(ctx.headers, expectedMd5, received.md5Hex);
      if (!temp) return { size: position + received.size, crc64: received.crc64, etag: `"${received.md5Hex}"`, sse: (current ?? created).sse };
      const crc64 = current ? crc64Combine(crcToBigInt(current.crc64), crcToBigInt(received.crc64), received.size).toString() : received.crc64;
      // Not an MD5 of the content (OSS's Appendable ETags are not either): a chain that changes with every append.
      const etag = current ? `"${(await md5OfBytes(Buffer.from(current.etag + received.md5Hex))).hex}"` : `"${received.md5Hex}"`;
      return store.commitObject(
        bucket,
        { key, size: position + received.size, etag, crc64, objectType: 'Appendable', lastModified: clock.nowMs(), ...pickStoredHeaders(current ?? created) },
        temp,
      );
    } catch (error) {
      if (temp) await rm(temp, { force: true });
      throw error;
    }
  });
  await send(ctx, 200, { ETag: appended.etag, 'x-oss-next-append-position': appended.size, 'x-oss-hash-crc64ecma': appended.crc64, ...encryptionHeaders(appended.sse) });
}
