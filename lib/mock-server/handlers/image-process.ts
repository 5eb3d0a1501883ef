// Image processing on an object: GET /<key>?x-oss-process=image/... answers with the processed
// image instead of the object (ranges do not apply; ETag and Last-Modified are the source's, as
// on OSS), and POST /<key>?x-oss-process with the form body
// `x-oss-process=image/...|sys/saveas,o_<base64 key>[,b_<base64 bucket>]` (processObjectSave)
// stores the result as a new object and answers with JSON. A symlink is followed, an archived
// object must be restored first, as for GET.
import { readFile, rm } from 'node:fs/promises';
import { receiveChunks } from '../body-sink.js';
import type { RequestContext } from '../context.js';
import { parseProcess, type ProcessRequest } from '../image/process-chain.js';
import { imageTooLarge, MAX_SOURCE_BYTES, processImage } from '../image/process-image.js';
import { checkBucketName, checkObjectKey } from '../keys.js';
import { invalidArgument, noSuchBucket, noSuchKey } from '../mock-error.js';
import { send, type HeaderMap } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { objectResponseHeaders, storedHeadersFrom } from './object-headers.js';
import { requireReadable } from './restore-object.js';
import { resolveSymlink, symlinkResponseHeaders } from './symlink.js';

/** The form body of processObjectSave is one short field. */
const MAX_FORM_BYTES = 64 * 1024;

interface SourceImage {
  headers: HeaderMap;
  bytes: Buffer;
}

/** The request's object (through a symlink), read whole: it is at most OSS's 20 MB source limit. */
async function readSource(ctx: RequestContext): Promise<SourceImage> {
  const { store, clock } = ctx.server;
  const named = store.getObject(ctx.bucket!, ctx.key!);
  if (!named) throw noSuchKey(ctx.key!);
  const data: ObjectRecord = resolveSymlink(store, ctx.bucket!, named);
  requireReadable(data, clock.nowMs());
  if (data.size > MAX_SOURCE_BYTES) throw imageTooLarge(`${data.size} bytes, over ${MAX_SOURCE_BYTES}`);
  try {
    const bytes = await readFile(store.objectDataPath(ctx.bucket!, data));
    return { headers: named === data ? objectResponseHeaders(named) : symlinkResponseHeaders(named, data), bytes };
  } catch (error) {
    // Replaced between lookup and read: process the new version.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && store.getObject(ctx.bucket!, data.key) !== data) return readSource(ctx);
    throw error;
  }
}

/** GET ?x-oss-process=image/...: the processed PNG. */
export async function getProcessedImage(ctx: RequestContext): Promise<void> {
  const { actions } = parseProcess(ctx.query['x-oss-process']!, false);
  const source = await readSource(ctx);
  const png = processImage(source.bytes, actions);
  // What describes the stored bytes (their MD5, CRC, ranges) does not describe these.
  const headers: HeaderMap = { ...source.headers };
  for (const name of ['Content-MD5', 'x-oss-hash-crc64ecma', 'Accept-Ranges', 'content-type']) delete headers[name];
  await send(ctx, 200, { ...headers, 'Content-Type': 'image/png' }, png);
}

async function processForm(ctx: RequestContext): Promise<ProcessRequest> {
  const body = await ctx.body.readSmall(MAX_FORM_BYTES);
  if (body === undefined) throw invalidArgument('x-oss-process', '', `The request body must be a form of at most ${MAX_FORM_BYTES} bytes.`);
  const process = new URLSearchParams(body.toString('utf8')).get('x-oss-process');
  if (!process) throw invalidArgument('x-oss-process', '', 'POST ?x-oss-process needs the body x-oss-process=<processing>|sys/saveas,o_<base64 key>.');
  const request = parseProcess(process, true);
  if (!request.saveAs) throw invalidArgument('x-oss-process', process, 'POST ?x-oss-process saves its result: end the processing with |sys/saveas,o_<base64 key>[,b_<base64 bucket>].');
  return request;
}

/** POST ?x-oss-process with sys/saveas (processObjectSave): stores the processed PNG. */
export async function processObjectSave(ctx: RequestContext): Promise<void> {
  const { store, clock } = ctx.server;
  const { actions, saveAs } = await processForm(ctx);
  const bucket = saveAs!.bucket ?? ctx.bucket!;
  const key = saveAs!.key;
  checkBucketName(bucket);
  checkObjectKey(key);
  if (!store.hasBucket(bucket)) throw noSuchBucket(bucket);
  const png = processImage((await readSource(ctx)).bytes, actions);

  const temp = store.tempPath('processed');
  try {
    const written = await receiveChunks((async function* () { yield png; })(), temp);
    await store.withObjectLock(bucket, key, () =>
      store.commitObject(
        bucket,
        {
          key,
          size: written.size,
          etag: `"${written.md5Hex}"`,
          crc64: written.crc64,
          contentMd5: written.md5Base64,
          objectType: 'Normal',
          lastModified: clock.nowMs(),
          ...storedHeadersFrom({ 'content-type': 'image/png' }),
        },
        temp,
      ),
    );
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const result = JSON.stringify({ bucket, fileSize: png.length, object: key, status: 'OK' });
  await send(ctx, 200, { 'Content-Type': 'application/json' }, result);
}
