// The request pipeline: parse → validate names → route → count → authenticate → bucket
// exists → fault injection → handler; any MockOssError becomes an OSS error response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth.js';
import type { RequestContext, ServerContext } from './context.js';
import { abortMultipartUpload } from './handlers/abort-multipart-upload.js';
import { listObjects, putBucket } from './handlers/bucket.js';
import { completeMultipartUpload } from './handlers/complete-multipart-upload.js';
import { deleteObject } from './handlers/delete-object.js';
import { initiateMultipartUpload } from './handlers/initiate-multipart-upload.js';
import { listMultipartUploads } from './handlers/list-multipart-uploads.js';
import { listParts } from './handlers/list-parts.js';
import { putObject } from './handlers/put-object.js';
import { getObject, headObject } from './handlers/read-object.js';
import { uploadPart } from './handlers/upload-part.js';
import { appendObject } from './handlers/append-object.js';
import { copyObject } from './handlers/copy-object.js';
import { getObjectAcl, putObjectAcl } from './handlers/object-acl.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './handlers/object-tagging.js';
import { postObject } from './handlers/post-object.js';
import { restoreObject } from './handlers/restore-object.js';
import { getSymlink, putSymlink } from './handlers/symlink.js';
import { getProcessedImage, processObjectSave } from './handlers/image-process.js';
import { uploadPartCopy } from './handlers/upload-part-copy.js';
import { BUCKET_OPERATION_HANDLERS } from './handlers/bucket-operations.js';
import { getObjectMeta } from './handlers/object-meta.js';
import { checkBucketName, checkObjectKey } from './keys.js';
import { MockOssError, noSuchBucket } from './mock-error.js';
import { RequestBody } from './request-body.js';
import { newRequestId, sendError } from './responses.js';
import { abortableSleep } from './throttle.js';
import { parseTarget, routeOperation } from './routing.js';
import type { FaultAction, OperationName } from './types.js';

const HANDLERS: Record<OperationName, (ctx: RequestContext) => Promise<void>> = {
  InitiateMultipartUpload: initiateMultipartUpload,
  UploadPart: uploadPart,
  ListParts: listParts,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListMultipartUploads: listMultipartUploads,
  PutObject: putObject,
  HeadObject: headObject,
  GetObject: getObject,
  DeleteObject: deleteObject,
  PutBucket: putBucket,
  ListObjects: listObjects,
  CopyObject: copyObject,
  UploadPartCopy: uploadPartCopy,
  PutObjectAcl: putObjectAcl,
  GetObjectAcl: getObjectAcl,
  PutObjectTagging: putObjectTagging,
  GetObjectTagging: getObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  AppendObject: appendObject,
  PutSymlink: putSymlink,
  GetSymlink: getSymlink,
  RestoreObject: restoreObject,
  PostObject: postObject,
  GetObjectMeta: getObjectMeta,
  GetProcessedImage: getProcessedImage,
  ProcessObjectSave: processObjectSave,
  ...BUCKET_OPERATION_HANDLERS,
};

/** Thrown to stop handling a request that will get no answer: a 'drop' fault, or a stall the client or server ended. */
class RequestAbandoned extends Error {}

export interface RequestListener {
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves once every request being handled now has finished (answered or abandoned). */
  settled(): Promise<void>;
}

export function createRequestListener(server: ServerContext): RequestListener {
  const inFlight = new Set<Promise<void>>();
  return {
    listener: (req, res) => {
      const { socket } = req;
      server.connections.requestStarted(socket);
      res.once('close', () => server.connections.requestDone(socket));
      const handling = handleRequest(server, req, res)
        .catch((error: unknown) => {
          // Even the error answer failed (the socket broke, or the response could not be built).
          server.log?.(`failed to answer ${req.method} ${(req.url ?? '/').split('?')[0]}: ${(error as Error)?.message ?? String(error)}`);
          res.destroy();
        })
        .finally(() => inFlight.delete(handling));
      inFlight.add(handling);
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

/** Aborted when the connection closes before the response finished, or when the server closes. */
function requestSignal(server: ServerContext, res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort(new Error('the client closed the connection'));
  });
  return AbortSignal.any([gone.signal, server.closing]);
}

function singleValueHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  // Repeated headers are joined with ',' as OSS's V1 canonicalization does.
  for (const [name, values] of Object.entries(req.headersDistinct)) if (values) headers[name] = values.join(',');
  return headers;
}

async function handleRequest(server: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const headers = singleValueHeaders(req);
  const ctx: RequestContext = {
    server,
    req,
    res,
    requestId: newRequestId(),
    method: (req.method ?? 'GET').toUpperCase(),
    host: headers['host'] ?? 'localhost',
    virtualHosted: false,
    bucket: undefined,
    key: undefined,
    query: {},
    headers,
    body: new RequestBody(req, {
      throttle: server.throttle,
      stallTimeoutMs: server.limits.bodyTimeoutMs,
      onBytes: (bytes) => {
        server.stats.bytesReceived += bytes;
      },
    }),
    api: undefined,
    fault: undefined,
    signal: requestSignal(server, res),
  };
  // Never log the query: presigned URLs carry signatures and security tokens there.
  let rawPath = (req.url ?? '/').split('?')[0]!;
  res.once('finish', () => {
    server.log?.(`${ctx.method} ${rawPath} ${ctx.api ?? '-'} ${res.statusCode} ${Math.round(performance.now() - started)}ms ${ctx.requestId}`);
  });
  try {
    const target = parseTarget(req.url ?? '/', ctx.host, server.virtualHostSuffix);
    rawPath = target.rawPath;
    Object.assign(ctx, { bucket: target.bucket, key: target.key, query: target.query, virtualHosted: target.virtualHosted });
    if (ctx.bucket !== undefined) checkBucketName(ctx.bucket);
    if (ctx.key !== undefined) checkObjectKey(ctx.key);
    ctx.api = routeAuthenticatingRefusals(ctx);
    const answered = server.stats.countRequest(ctx.api);
    res.once('close', answered);
    countPartTraffic(ctx);
    authenticate(ctx);
    if (ctx.bucket !== undefined && ctx.api !== 'PutBucket' && !server.store.hasBucket(ctx.bucket)) throw noSuchBucket(ctx.bucket);
    ctx.fault = server.faults.take({ api: ctx.api, key: ctx.key, partNumber: partNumberOf(ctx) });
    if (ctx.fault) await applyFault(ctx, ctx.fault);
    await HANDLERS[ctx.api](ctx);
  } catch (error) {
    await answerFailure(ctx, error);
  }
}

/** The request's operation; a request for one the mock lacks is authenticated before it is refused (403 before 501), as OSS does. */
function routeAuthenticatingRefusals(ctx: RequestContext): OperationName {
  try {
    return routeOperation(ctx.method, ctx.bucket, ctx.key, ctx.query, ctx.headers);
  } catch (error) {
    if (error instanceof MockOssError && error.code === 'NotImplemented') authenticate(ctx);
    throw error;
  }
}

function partNumberOf(ctx: RequestContext): number | undefined {
  const raw = ctx.query['partNumber'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** UploadPart requests and their body bytes, per upload and part, for tests that check resumption. */
function countPartTraffic(ctx: RequestContext): void {
  const uploadId = ctx.query['uploadId'];
  const partNumber = partNumberOf(ctx);
  if (ctx.api !== 'UploadPart' || uploadId === undefined || partNumber === undefined) return;
  const { stats } = ctx.server;
  stats.countPartUpload(uploadId, partNumber);
  ctx.body.onBytes((bytes) => stats.countPartBytes(uploadId, partNumber, bytes));
}

/** Faults that act before the handler; 'corrupt' is applied by the handler that stores data, 'lose-response' by beginResponse. */
async function applyFault(ctx: RequestContext, fault: FaultAction): Promise<void> {
  switch (fault.type) {
    case 'drop':
      // Read exactly afterBytes of the body, then cut the connection without answering.
      for await (const _ of ctx.body.chunks(fault.afterBytes)) void _;
      ctx.req.socket.destroy();
      ctx.server.log?.(`${ctx.method} ${ctx.api} fault: connection dropped after ${ctx.body.bytesRead} body bytes ${ctx.requestId}`);
      throw new RequestAbandoned();
    case 'error':
      throw new MockOssError(fault.status, fault.code, injectedMessage(fault.code));
    case 'stall':
      // Ends early (and unanswered) when the client disconnects or the server closes, so a
      // long stall neither runs the handler for a gone client nor outlives close().
      if (!(await abortableSleep(fault.ms, ctx.signal))) {
        ctx.server.log?.(`${ctx.method} ${ctx.api} fault: stall ended early, ${ctx.server.closing.aborted ? 'the server is closing' : 'the client went away'}; not handled ${ctx.requestId}`);
        throw new RequestAbandoned();
      }
      return;
    case 'forget': {
      const upload = ctx.query['uploadId'] !== undefined ? ctx.server.store.findUpload(ctx.bucket!, ctx.query['uploadId']) : undefined;
      if (upload) await ctx.server.store.withUploadLock(upload, () => (upload.gone ? Promise.resolve() : ctx.server.store.removeUpload(upload)));
      return;
    }
    case 'corrupt':
    case 'lose-response':
      return;
  }
}

function injectedMessage(code: string): string {
  switch (code) {
    case 'SlowDown':
      return 'Please reduce your request rate.';
    case 'InternalError':
      return 'We encountered an internal error. Please try again.';
    case 'ServiceUnavailable':
      return 'Service is unavailable. Please try again.';
    default:
      return `Injected fault ${code}.`;
  }
}

async function answerFailure(ctx: RequestContext, error: unknown): Promise<void> {
  // (req.destroyed alone means nothing: a fully read request is auto-destroyed.)
  if (error instanceof RequestAbandoned || ctx.res.destroyed || ctx.req.socket.destroyed) return;
  if (error instanceof MockOssError) {
    if (error.code === 'RequestTimeout' && ctx.body.stalled) {
      ctx.server.log?.(`${ctx.method} ${ctx.api ?? '-'} the body stalled: no byte for ${ctx.body.stallTimeoutMs} ms after ${ctx.body.bytesRead} bytes; answering RequestTimeout and closing ${ctx.requestId}`);
    }
    await sendError(ctx, error);
    return;
  }
  // A bug or an I/O failure in the mock itself: answer like OSS does, log the details locally.
  ctx.server.log?.(`internal error on ${ctx.method} ${ctx.api ?? '-'} ${ctx.requestId}: ${(error as Error)?.stack ?? String(error)}`);
  await sendError(ctx, new MockOssError(500, 'InternalError', 'We encountered an internal error. Please try again.'));
}
