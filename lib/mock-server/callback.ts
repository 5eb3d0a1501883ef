// Upload callbacks (§7): x-oss-callback / x-oss-callback-var (or the callback / callback-var
// query parameters of a presigned URL) are validated before anything is stored; after the
// object is stored, the expanded body is POSTed to the callback URL. The mock only calls
// back to this machine (loopback); any other URL counts as a failed callback.
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { RequestContext } from './context.js';
import { invalidArgument, MockOssError } from './mock-error.js';
import { errorXml, send, sendXml, type HeaderMap } from './responses.js';

export const CALLBACK_TIMEOUT_MS = 5000;
const MAX_CALLBACK_RESPONSE_BYTES = 1024 * 1024;
const BODY_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

export interface CallbackSpec {
  urls: string[];
  host: string | undefined;
  body: string;
  bodyType: string;
  vars: Record<string, string>;
}

/** The values a callback body may refer to as ${name}. */
export interface CallbackValues {
  bucket: string;
  object: string;
  /** Without quotes. */
  etag: string;
  size: number;
  mimeType: string;
  crc64: string;
  contentMd5: string;
}

function decodeJsonObject(name: string, encoded: string): Record<string, unknown> {
  const bad = (why: string): MockOssError => invalidArgument(name, encoded.slice(0, 64), `The ${name} parameter is invalid: ${why}.`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded.trim())) throw bad('it is not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw bad('it is not base64-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('it is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** The request's callback, validated; undefined when it has none. */
export function parseCallback(ctx: RequestContext): CallbackSpec | undefined {
  const encoded = ctx.headers['x-oss-callback'] ?? ctx.query['callback'];
  if (encoded === undefined) return undefined;
  const config = decodeJsonObject('callback', encoded);
  const stringField = (field: string, required: boolean): string | undefined => {
    const value = config[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw invalidArgument('callback', field, `The callback parameter needs a non-empty string ${field}.`);
    return value;
  };
  const urls = stringField('callbackUrl', true)!.split(';').map((url) => url.trim()).filter(Boolean);
  for (const url of urls) {
    if (!/^https?:\/\/[^/]/i.test(url)) throw invalidArgument('callback', 'callbackUrl', `The callbackUrl ${JSON.stringify(url)} is not an http(s) URL.`);
  }
  const bodyType = stringField('callbackBodyType', false) ?? BODY_TYPES[0]!;
  if (!BODY_TYPES.includes(bodyType)) throw invalidArgument('callback', 'callbackBodyType', `callbackBodyType must be one of ${BODY_TYPES.join(', ')}.`);

  const vars: Record<string, string> = {};
  const encodedVars = ctx.headers['x-oss-callback-var'] ?? ctx.query['callback-var'];
  if (encodedVars !== undefined) {
    for (const [name, value] of Object.entries(decodeJsonObject('callback-var', encodedVars))) {
      if (!name.startsWith('x:')) throw invalidArgument('callback-var', name, `Custom callback variable ${JSON.stringify(name)} must start with "x:".`);
      vars[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return { urls, host: stringField('callbackHost', false), body: stringField('callbackBody', true)!, bodyType, vars };
}

/** Substitutes ${bucket}, ${object}, ..., ${x:var}; values are URL-encoded for form bodies and JSON-escaped for JSON bodies. */
export function expandCallbackBody(spec: CallbackSpec, values: CallbackValues): string {
  const escape = spec.bodyType === 'application/json' ? (v: string) => JSON.stringify(v).slice(1, -1) : encodeURIComponent;
  const known: Record<string, string> = {
    bucket: values.bucket,
    object: values.object,
    etag: values.etag,
    size: String(values.size),
    mimeType: values.mimeType,
    crc64: values.crc64,
    contentMd5: values.contentMd5,
  };
  return spec.body.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name.startsWith('x:')) return escape(spec.vars[name] ?? '');
    const value = known[name];
    return value === undefined ? whole : escape(value);
  });
}

function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

type CallbackOutcome = { ok: true; body: string } | { ok: false; reason: string };

/** POSTs the callback; success means 200 with a JSON body, within 5 s, no retry. */
export async function invokeCallback(spec: CallbackSpec, body: string, closing?: AbortSignal): Promise<CallbackOutcome> {
  let reason = 'no callback URL';
  for (const raw of spec.urls) {
    const outcome = await postOnce(spec, raw, body, closing);
    if (outcome.ok) return outcome;
    reason = outcome.reason;
  }
  return { ok: false, reason };
}

/** `closing` (the server's close()) cuts the callback short, like its 5 s timeout. */
async function postOnce(spec: CallbackSpec, raw: string, body: string, closing: AbortSignal | undefined): Promise<CallbackOutcome> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `Error callback URL ${JSON.stringify(raw)} cannot be parsed.` };
  }
  if (!isLoopbackUrl(url)) return { ok: false, reason: `Error status : -1. The mock OSS server only calls back to loopback addresses, not ${url.hostname}.` };
  // A private agent, destroyed afterwards, so no keep-alive socket outlives the callback.
  const agent = new Agent({ connect: { timeout: CALLBACK_TIMEOUT_MS } });
  try {
    const headers: Record<string, string> = { 'content-type': spec.bodyType };
    if (spec.host) headers['host'] = spec.host;
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher: agent,
      signal: closing ? AbortSignal.any([AbortSignal.timeout(CALLBACK_TIMEOUT_MS), closing]) : AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_CALLBACK_RESPONSE_BYTES) return { ok: false, reason: 'Error callback response body is too large.' };
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (response.statusCode !== 200) return { ok: false, reason: `Error status : ${response.statusCode}.` };
    try {
      JSON.parse(text);
    } catch {
      return { ok: false, reason: 'Response body is not valid json format.' };
    }
    return { ok: true, body: text };
  } catch (error) {
    const what = (error as Error).name === 'TimeoutError' ? `timed out after ${CALLBACK_TIMEOUT_MS} ms` : (error as Error).message;
    return { ok: false, reason: `Error status : -1. The callback request failed: ${what}.` };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

/**
 * The answer to a stored upload: the result XML without a callback; with one, 200 and the
 * callback server's JSON passed through, or 203 CallbackFailed (the object exists either way).
 */
export async function answerStoredUpload(
  ctx: RequestContext,
  spec: CallbackSpec | undefined,
  values: CallbackValues,
  headers: HeaderMap,
  resultXml: string | undefined,
): Promise<void> {
  if (!spec) {
    if (resultXml === undefined) await send(ctx, 200, headers);
    else await sendXml(ctx, 200, resultXml, headers);
    return;
  }
  const outcome = await invokeCallback(spec, expandCallbackBody(spec, values), ctx.server.closing);
  if (outcome.ok) {
    await send(ctx, 200, { ...headers, 'Content-Type': 'application/json' }, outcome.body);
    return;
  }
  const failure = new MockOssError(203, 'CallbackFailed', outcome.reason, {}, '0007-00000203');
  await sendXml(ctx, 203, errorXml(ctx, failure), { ...headers, 'x-oss-ec': failure.ec! });
}
