// HeadObject and GetObject: metadata headers, and the data streamed from disk with
// single-range support (bytes=a-b, a-, -n → 206 with Content-Range; unsatisfiable → 416).
// If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since are checked first
// (preconditions.ts): 412 PreconditionFailed, or 304 Not Modified with no body.
import { open, type FileHandle } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import { MockOssError, noSuchKey } from '../mock-error.js';
import { beginResponse, send, sendStream, type HeaderMap } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { objectResponseHeaders } from './object-headers.js';
import { evaluatePreconditions, REQUEST_CONDITIONS } from './preconditions.js';
import { requireReadable, restoreHeader } from './restore-object.js';
import { resolveSymlink, symlinkResponseHeaders } from './symlink.js';

/** The object the key names, and the one whose data answers: a symlink's target, or itself. */
export function requireObject(ctx: RequestContext): { record: ObjectRecord; data: ObjectRecord } {
  const record = ctx.server.store.getObject(ctx.bucket!, ctx.key!);
  if (!record) throw noSuchKey(ctx.key!);
  return { record, data: resolveSymlink(ctx.server.store, ctx.bucket!, record) };
}

function readHeaders(ctx: RequestContext, record: ObjectRecord, data: ObjectRecord): HeaderMap {
  const headers = record === data ? objectResponseHeaders(record) : symlinkResponseHeaders(record, data);
  return { ...headers, ...restoreHeader(data, ctx.server.clock.nowMs()) };
}

/** Answers 304 and returns true when the request's If-* headers say the client's copy is current. */
async function answeredNotModified(ctx: RequestContext, headers: HeaderMap): Promise<boolean> {
  const validators = { ETag: String(headers['ETag']), 'Last-Modified': String(headers['Last-Modified']) };
  const entity = { etag: validators.ETag, lastModified: Date.parse(validators['Last-Modified']) };
  if (evaluatePreconditions(ctx.headers, REQUEST_CONDITIONS, entity) === 'proceed') return false;
  await send(ctx, 304, validators);
  return true;
}

export async function headObject(ctx: RequestContext): Promise<void> {
  const { record, data } = requireObject(ctx);
  const headers = readHeaders(ctx, record, data);
  if (await answeredNotModified(ctx, headers)) return;
  if (!(await beginResponse(ctx, 200, { ...headers, 'Content-Length': data.size }))) return;
  ctx.res.end();
}

/** Inclusive byte range to send; undefined = the whole object. Throws 416 when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  // Anything but one well-formed byte range is ignored, as HTTP allows.
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const unsatisfiable = (): MockOssError =>
    new MockOssError(416, 'InvalidRange', 'The requested range cannot be satisfied.', { RangeRequested: header!, ActualObjectSize: String(size) }, '0003-00000405', {
      'Content-Range': `bytes */${size}`,
    });
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? Infinity : Number(match[2]);
  if (last < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(last, size - 1) };
}

export async function getObject(ctx: RequestContext): Promise<void> {
  const { record: named, data: record } = requireObject(ctx);
  requireReadable(record, ctx.server.clock.nowMs());
  const stored = readHeaders(ctx, named, record);
  if (await answeredNotModified(ctx, stored)) return;
  const range = parseRange(ctx.headers['range'], record.size);
  const handle = await openData(ctx, record);
  // Replaced between lookup and open: serve the new version.
  if (!handle) return getObject(ctx);
  const start = range?.start ?? 0;
  const end = range?.end ?? record.size - 1;
  const headers: HeaderMap = { ...stored, ...responseOverrides(ctx.query), 'Content-Length': end - start + 1 };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${record.size}`;
  if (!(await beginResponse(ctx, range ? 206 : 200, headers))) {
    await handle.close();
    return;
  }
  if (record.size === 0) {
    await handle.close();
    ctx.res.end();
    return;
  }
  await sendStream(ctx, handle.createReadStream({ start, end, highWaterMark: 1024 * 1024 }));
}

/** GET's response-* query parameters replace the stored headers in this one answer. */
function responseOverrides(query: Record<string, string>): HeaderMap {
  const overrides: HeaderMap = {};
  for (const name of ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding']) {
    const value = query[`response-${name}`];
    if (value !== undefined) overrides[name] = value;
  }
  return overrides;
}

async function openData(ctx: RequestContext, record: ObjectRecord): Promise<FileHandle | undefined> {
  try {
    return await open(ctx.server.store.objectDataPath(ctx.bucket!, record), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && ctx.server.store.getObject(ctx.bucket!, record.key) !== record) return undefined;
    throw error;
  }
}
