// PutObject: PUT /<key>. Streams the body to a temp file while hashing, checks Content-MD5,
// honours x-oss-forbid-overwrite and callbacks, then renames the file into place.
import { rm } from 'node:fs/promises';
import { receiveBody } from '../body-sink.js';
import { answerStoredUpload, parseCallback } from '../callback.js';
import type { RequestContext } from '../context.js';
import { fileAlreadyExists } from '../mock-error.js';
import { checkReceivedLength, declaredBodyLength } from './body-limits.js';
import { checkMd5, expectedMd5Hex } from './content-md5.js';
import { corruptFile } from './corrupt.js';
import { forbidsOverwrite, storedHeadersFrom } from './object-headers.js';
import { encryptionHeaders } from './server-side-encryption.js';

export async function putObject(ctx: RequestContext): Promise<void> {
  const { store, clock, discard } = ctx.server;
  const bucket = ctx.bucket!;
  const key = ctx.key!;
  const length = declaredBodyLength(ctx);
  const expectedMd5 = expectedMd5Hex(ctx.headers);
  const stored = storedHeadersFrom(ctx.headers);
  const callback = parseCallback(ctx);
  const forbidOverwrite = forbidsOverwrite(ctx.headers);
  // Refuse before the body is read when we already know the answer; checked again at commit.
  if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();

  const temp = discard ? undefined : store.tempPath('object');
  const received = await receiveBody(ctx.body, temp, ctx.server.maxBodyBytes);
  try {
    checkReceivedLength(length, received.size);
    checkMd5(ctx.headers, expectedMd5, received.md5Hex);
    if (temp && ctx.fault?.type === 'corrupt') Object.assign(received, await corruptFile(temp, received.size));
    if (temp) {
      await store.withObjectLock(bucket, key, async () => {
        if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();
        await store.commitObject(
          bucket,
          {
            key,
            size: received.size,
            etag: `"${received.md5Hex}"`,
            crc64: received.crc64,
            contentMd5: received.md5Base64,
            objectType: 'Normal',
            lastModified: clock.nowMs(),
            ...stored,
          },
          temp,
        );
      });
    }
  } catch (error) {
    if (temp) await rm(temp, { force: true });
    throw error;
  }

  await answerStoredUpload(
    ctx,
    callback,
    {
      bucket,
      object: key,
      etag: received.md5Hex,
      size: received.size,
      mimeType: stored.headers['content-type'] ?? '',
      crc64: received.crc64,
      contentMd5: received.md5Base64,
    },
    { ETag: `"${received.md5Hex}"`, 'Content-MD5': received.md5Base64, 'x-oss-hash-crc64ecma': received.crc64, ...encryptionHeaders(stored.sse) },
    undefined,
  );
}
