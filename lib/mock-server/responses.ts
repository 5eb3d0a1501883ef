// Writing responses the way OSS does: x-oss-request-id, Date (server clock), Server,
// Content-Length and Connection on every response; XML bodies; errors as <Error> XML
// (or, for HEAD, in the base64 x-oss-err header).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { escapeMarkup } from '../xml/encode.js';
import { uriEncode } from '../signer/uri-encode.js';
import type { RequestContext } from './context.js';
import { MockOssError } from './mock-error.js';
import { STALLED, withinStallTimeout } from './stall-timeout.js';
import { addLatency } from './throttle.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Unread request bodies up to this size are drained before answering, so the connection can be reused. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export type HeaderMap = Record<string, string | number>;

/**
 * `<name>escaped value</name>`. Control characters in keys are written raw, as OSS does
 * (XML 1.0 cannot carry them; clients that mind ask for encoding-type=url).
 */
export function el(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeMarkup(String(value))}</${name}>`;
}

/** A result document. Its root carries no xmlns: OSS sends none on the wire (the API reference's examples do). */
export function xmlDocument(root: string, children: string[]): string {
  return `${XML_DECLARATION}<${root}>\n${children.map((c) => `  ${c}\n`).join('')}</${root}>\n`;
}

/** With encoding-type=url, names in listings are percent-encoded (space as %20, '/' as %2F). */
export function maybeUrlEncode(ctx: RequestContext, value: string): string {
  return ctx.query['encoding-type'] === 'url' ? uriEncode(value) : value;
}

/**
 * Gets the connection ready for a response: consumes an unread request body (or marks the
 * connection for closing when it is too large or never ends), waits out the emulated
 * latency, then sets the common headers. Returns false if the client is gone.
 */
export async function beginResponse(ctx: RequestContext, status: number, headers: HeaderMap): Promise<boolean> {
  let close = false;
  if (!ctx.body.fullyRead) {
    const declared = ctx.body.declaredLength;
    if (ctx.body.refused || (declared !== undefined && declared - ctx.body.bytesRead > DRAIN_LIMIT_BYTES)) close = true;
    else {
      try {
        for await (const _ of ctx.body.chunks(DRAIN_LIMIT_BYTES)) void _;
      } catch {
        // A client that stopped sending the rest still gets the answer already decided; the connection then closes.
        if (!ctx.body.stalled) return false;
        ctx.server.log?.(`${ctx.method} ${ctx.api ?? '-'} the unread body stalled: no byte for ${ctx.body.stallTimeoutMs} ms; answering ${status} and closing ${ctx.requestId}`);
      }
      close = !ctx.body.fullyRead;
    }
  }
  await addLatency(ctx.server.latencyMs, ctx.signal);
  const { res } = ctx;
  if (res.destroyed || res.headersSent) return false;
  if (ctx.fault?.type === 'lose-response') {
    // The work is done; the answer is lost on the way back, as when a connection dies after the server committed.
    ctx.server.log?.(`${ctx.method} ${ctx.api} fault: handled, then the connection was cut before the ${status} answer ${ctx.requestId}`);
    ctx.req.socket.destroy();
    return false;
  }
  res.statusCode = status;
  res.setHeader('x-oss-request-id', ctx.requestId);
  res.setHeader('Date', ctx.server.clock.now().toUTCString());
  res.setHeader('Server', 'AliyunOSS');
  // Node writes `Connection: keep-alive` (or `close`, if the client asked) by itself.
  if (close) res.setHeader('Connection', 'close');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, String(value));
  if (close) res.once('finish', () => ctx.req.socket.destroySoon());
  return true;
}

/**
 * Streams `source` as the body of a response begun with beginResponse. A client that stops
 * reading (the socket stays full) for the body timeout is cut off: its descriptor is not held
 * forever. Ends early, without error, when the client goes away.
 */
export async function sendStream(ctx: RequestContext, source: AsyncIterable<Buffer>): Promise<void> {
  const { res } = ctx;
  const stallMs = ctx.server.limits.bodyTimeoutMs;
  try {
    for await (const chunk of source) {
      if (res.write(chunk)) continue;
      if ((await withinStallTimeout(once(res, 'drain', { signal: ctx.signal }), stallMs)) === STALLED) {
        ctx.server.log?.(`${ctx.method} ${ctx.api ?? '-'} the client stopped reading the answer: nothing written for ${stallMs} ms; connection cut ${ctx.requestId}`);
        ctx.req.socket.destroy();
        return;
      }
    }
    res.end();
  } catch {
    // The client went away (or the file failed mid-answer, when only cutting the connection is left).
    ctx.req.socket.destroy();
  }
}

/** 24 upper-case hex characters, as OSS's x-oss-request-id. */
export function newRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

/** A complete response with a small body (or none). */
export async function send(ctx: RequestContext, status: number, headers: HeaderMap, body: string | Buffer = ''): Promise<void> {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (!(await beginResponse(ctx, status, { ...headers, 'Content-Length': data.length }))) return;
  ctx.res.end(ctx.method === 'HEAD' ? undefined : data);
}

export async function sendXml(ctx: RequestContext, status: number, xml: string, headers: HeaderMap = {}): Promise<void> {
  await send(ctx, status, { 'Content-Type': 'application/xml', ...headers }, xml);
}

export function errorXml(ctx: Pick<RequestContext, 'requestId' | 'host'>, error: MockOssError): string {
  const children = [
    el('Code', error.code),
    el('Message', error.message),
    el('RequestId', ctx.requestId),
    el('HostId', ctx.host),
    ...Object.entries(error.extras).map(([name, value]) => el(name, value)),
  ];
  if (error.ec) children.push(el('EC', error.ec));
  return `${XML_DECLARATION}<Error>\n${children.map((c) => `  ${c}\n`).join('')}</Error>\n`;
}

export async function sendError(ctx: RequestContext, error: MockOssError): Promise<void> {
  const xml = errorXml(ctx, error);
  const headers: HeaderMap = { ...error.headers };
  if (error.ec) headers['x-oss-ec'] = error.ec;
  if (ctx.method === 'HEAD') {
    // A HEAD answer has no body, so OSS carries the error in a header instead.
    headers['x-oss-err'] = Buffer.from(xml, 'utf8').toString('base64');
    await send(ctx, error.status, headers);
    return;
  }
  await sendXml(ctx, error.status, xml, headers);
}
