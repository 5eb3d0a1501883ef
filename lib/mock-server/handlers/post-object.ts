// PostObject: the browser form upload, POST /<bucket>/ with multipart/form-data. The fields
// before the file carry the key (${filename} is replaced by the file's name), the object's
// headers (Content-Type, Cache-Control, x-oss-meta-*, x-oss-object-acl, x-oss-storage-class,
// ...), a base64 policy and its V1 or V4 signature; the policy's conditions and expiration are
// enforced before the file is stored. Then success_action_redirect (303 to it, with bucket, key
// and etag) or success_action_status (200 empty, 201 with a PostResponse document, else 204).
import { rm } from 'node:fs/promises';
import { verifyPostPolicySignature } from '../auth.js';
import { receiveChunks } from '../body-sink.js';
import type { RequestContext } from '../context.js';
import { FormReader, formBoundary } from '../form-data.js';
import { checkObjectKey } from '../keys.js';
import { accessDenied, fileAlreadyExists, invalidArgument, MockOssError } from '../mock-error.js';
import { el, send, sendXml, xmlDocument } from '../responses.js';
import { encodeKeyPath } from '../../signer/uri-encode.js';
import { MAX_BODY_BYTES } from './body-limits.js';
import { forbidsOverwrite, storedHeadersFrom } from './object-headers.js';
import { checkPolicyConditions, checkPolicyLength, parsePostPolicy } from './post-policy.js';

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 100;

export async function postObject(ctx: RequestContext): Promise<void> {
  const { store, clock, discard } = ctx.server;
  const bucket = ctx.bucket!;
  const reader = new FormReader(ctx.body.chunks(), formBoundary(ctx.headers['content-type']!));
  await reader.start();

  // Field names are case-insensitive; the first of a repeated name wins.
  const fields: Record<string, string> = {};
  let file: { filename: string | undefined; contentType: string | undefined } | undefined;
  for (let count = 0; ; count++) {
    const part = await reader.nextPart();
    if (!part) break;
    if (part.name.toLowerCase() === 'file') {
      file = part;
      break;
    }
    if (count >= MAX_FIELDS) throw invalidArgument('form', String(count), `A PostObject form may have at most ${MAX_FIELDS} fields before the file.`);
    const value = (await reader.value(MAX_FIELD_BYTES)).toString('utf8');
    fields[part.name.toLowerCase()] ??= value;
  }
  if (!file) throw new MockOssError(400, 'InvalidArgument', 'The form has no file field; the file must be the last field of a PostObject form.', { ArgumentName: 'file', ArgumentValue: '' });
  if (fields['key'] === undefined || fields['key'] === '') throw invalidArgument('key', '', 'The form needs a key field naming the object.');
  const key = fields['key'].replace(/\$\{filename\}/g, file.filename ?? '');
  checkObjectKey(key);

  if (fields['policy'] === undefined) throw accessDenied('AccessDenied: anonymous access is not allowed; the form needs a signed policy.');
  verifyPostPolicySignature(ctx, fields, fields['policy']);
  const policy = parsePostPolicy(fields['policy']);
  if (clock.nowMs() > policy.expiresMs) throw accessDenied('Invalid according to Policy: Policy expired.');
  checkPolicyConditions(policy, { ...fields, key, bucket });

  const objectHeaders = { ...fields };
  if (objectHeaders['content-type'] === undefined && file.contentType !== undefined) objectHeaders['content-type'] = file.contentType;
  const stored = storedHeadersFrom(objectHeaders);
  const forbidOverwrite = forbidsOverwrite(fields);
  if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();

  const temp = discard ? undefined : store.tempPath('post');
  const received = await receiveChunks(reader.content(), temp, { maxBytes: Math.min(policy.lengthRange?.max ?? MAX_BODY_BYTES, MAX_BODY_BYTES) });
  try {
    checkPolicyLength(policy, received.size);
    if (temp) {
      await store.withObjectLock(bucket, key, async () => {
        if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();
        const record = { key, size: received.size, etag: `"${received.md5Hex}"`, crc64: received.crc64, contentMd5: received.md5Base64, objectType: 'Normal' as const, lastModified: clock.nowMs(), ...stored };
        await store.commitObject(bucket, record, temp);
      });
    }
  } catch (error) {
    if (temp) await rm(temp, { force: true });
    throw error;
  }
  await answerPost(ctx, fields, key, `"${received.md5Hex}"`, received.crc64);
}

async function answerPost(ctx: RequestContext, fields: Record<string, string>, key: string, etag: string, crc64: string): Promise<void> {
  const headers = { ETag: etag, 'x-oss-hash-crc64ecma': crc64 };
  const redirect = fields['success_action_redirect'];
  if (redirect !== undefined && /^https?:\/\/[^/]/i.test(redirect)) {
    const query = new URLSearchParams({ bucket: ctx.bucket!, key, etag }).toString();
    await send(ctx, 303, { ...headers, Location: `${redirect}${redirect.includes('?') ? '&' : '?'}${query}` });
    return;
  }
  switch (fields['success_action_status']) {
    case '200':
      await send(ctx, 200, headers);
      return;
    case '201': {
      const location = ctx.virtualHosted ? `http://${ctx.host}/${encodeKeyPath(key)}` : `http://${ctx.host}/${ctx.bucket}/${encodeKeyPath(key)}`;
      await sendXml(ctx, 201, xmlDocument('PostResponse', [el('Bucket', ctx.bucket!), el('Location', location), el('Key', key), el('ETag', etag)]), headers);
      return;
    }
    default:
      await send(ctx, 204, headers);
  }
}
