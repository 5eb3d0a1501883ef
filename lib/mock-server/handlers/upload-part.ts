// UploadPart: PUT /<key>?partNumber=N&uploadId=ID. The body streams to a temp file while
// MD5 and CRC-64 are computed, then replaces any earlier part N atomically.
import { rm } from 'node:fs/promises';
import { receiveBody } from '../body-sink.js';
import type { RequestContext } from '../context.js';
import { invalidArgument, noSuchUpload } from '../mock-error.js';
import { send } from '../responses.js';
import type { PartRecord, UploadRecord } from '../store.js';
import { checkReceivedLength, declaredBodyLength } from './body-limits.js';
import { checkMd5, expectedMd5Hex } from './content-md5.js';
import { corruptFile } from './corrupt.js';
import { encryptionHeaders, refuseEncryptionHeaders } from './server-side-encryption.js';
import { requireUpload } from './uploads.js';

export const MAX_PART_NUMBER = 10_000;

/** The ?partNumber value, 1..10000. */
export function parsePartNumber(query: Record<string, string>): number {
  const raw = query['partNumber'];
  if (raw === undefined) throw invalidArgument('partNumber', '', 'Unexpected query string parameter: UploadPart needs partNumber together with uploadId.');
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) throw invalidArgument('PartNumber', raw, `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`);
  return n;
}

export async function uploadPart(ctx: RequestContext): Promise<void> {
  const { store, clock, discard } = ctx.server;
  const partNumber = parsePartNumber(ctx.query);
  if (ctx.query['uploadId'] === undefined) throw invalidArgument('uploadId', '', 'UploadPart needs the uploadId query parameter.');
  const upload = requireUpload(ctx);
  refuseEncryptionHeaders(ctx.headers, 'UploadPart');
  const length = declaredBodyLength(ctx);
  const expectedMd5 = expectedMd5Hex(ctx.headers);

  const temp = discard ? undefined : store.tempPath('part');
  const received = await receiveBody(ctx.body, temp, ctx.server.maxBodyBytes);
  const cleanup = async (): Promise<void> => {
    if (temp) await rm(temp, { force: true });
  };
  try {
    checkReceivedLength(length, received.size);
    checkMd5(ctx.headers, expectedMd5, received.md5Hex);
  } catch (error) {
    await cleanup();
    throw error;
  }

  let part: PartRecord = {
    partNumber,
    size: received.size,
    md5Hex: received.md5Hex,
    md5Base64: received.md5Base64,
    crc64: received.crc64,
    lastModified: clock.nowMs(),
  };
  if (!(await store.commitPart(upload, part, temp))) throw noSuchUpload(upload.uploadId);
  part = upload.parts.get(partNumber) ?? part;
  if (ctx.fault?.type === 'corrupt') part = await corruptStoredPart(ctx, upload, part);

  await send(ctx, 200, {
    ETag: `"${part.md5Hex}"`,
    'Content-MD5': part.md5Base64,
    'x-oss-hash-crc64ecma': part.crc64,
    ...encryptionHeaders(upload.sse),
  });
}

async function corruptStoredPart(ctx: RequestContext, upload: UploadRecord, part: PartRecord): Promise<PartRecord> {
  const { store } = ctx.server;
  const path = store.partDataPath(upload, part);
  if (!path) return part; // discard mode keeps no data to damage
  const rehashed = await corruptFile(path, part.size);
  if (!rehashed) return part;
  const damaged = { ...part, ...rehashed };
  await store.rewritePartRecord(upload, damaged);
  return damaged;
}
