// InitiateMultipartUpload: POST /<key>?uploads. Headers given here become the object's.
import type { RequestContext } from '../context.js';
import { fileAlreadyExists } from '../mock-error.js';
import { el, maybeUrlEncode, sendXml, xmlDocument } from '../responses.js';
import { forbidsOverwrite, storedHeadersFrom } from './object-headers.js';
import { encryptionHeaders } from './server-side-encryption.js';

export async function initiateMultipartUpload(ctx: RequestContext): Promise<void> {
  const { store, clock } = ctx.server;
  const bucket = ctx.bucket!;
  const key = ctx.key!;
  const stored = storedHeadersFrom(ctx.headers);
  const forbidOverwrite = forbidsOverwrite(ctx.headers);
  if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();
  const upload = await store.createUpload(bucket, key, { ...stored, forbidOverwrite }, clock.nowMs());
  const children = [el('Bucket', bucket), el('Key', maybeUrlEncode(ctx, key)), el('UploadId', upload.uploadId)];
  if (ctx.query['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('InitiateMultipartUploadResult', children), encryptionHeaders(upload.sse));
}
