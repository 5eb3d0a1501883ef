// Shared by the mock-server tests: signed requests sent with undici directly (not through the
// client under test), so the server is tested on its own.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Test } from 'tap';
import { request } from 'undici';
import type { Credentials } from '../lib/signer/types.js';
import { signRequest } from '../lib/signer/index.js';
import { encodeKeyPath } from '../lib/signer/uri-encode.js';
import { encodeQuery } from '../lib/transport/endpoint.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../lib/mock-server/index.js';

export const CREDS: Credentials = { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' };
export const BUCKET = 'test-bucket';

export interface OssCall {
  method: string;
  bucket?: string | undefined;
  key?: string | undefined;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string | undefined;
  /** Default 'v1'; 'none' sends no Authorization. */
  sign?: 'v1' | 'v4' | 'none';
  creds?: Credentials;
  now?: Date;
  region?: string;
  /** Raw request path (already encoded), instead of one built from bucket and key. */
  rawPath?: string;
  /** Change the request after signing (tamper tests). */
  afterSign?: (headers: Record<string, string>) => void;
  /** Aborts the request (the client going away). */
  signal?: AbortSignal;
}

export interface OssReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

export function pathFor(bucket: string | undefined, key: string | undefined): string {
  if (!bucket) return '/';
  return `/${bucket}/${key ? encodeKeyPath(key) : ''}`;
}

export async function ossRequest(server: Pick<MockServer, 'url'>, call: OssCall): Promise<OssReply> {
  const query = call.query ?? {};
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if (call.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/octet-stream';
  if (call.sign !== 'none') {
    signRequest({ method: call.method, bucket: call.bucket, key: call.key, query, headers }, call.creds ?? CREDS, call.now ?? new Date(), {
      version: call.sign ?? 'v1',
      region: call.region ?? 'cn-hangzhou',
    });
  }
  call.afterSign?.(headers);
  const path = (call.rawPath ?? pathFor(call.bucket, call.key)) + encodeQuery(query);
  const response = await request(server.url + path, {
    method: call.method as 'GET',
    headers,
    body: call.body,
    signal: call.signal,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) flat[name] = Array.isArray(value) ? value.join(',') : String(value);
  return { status: response.statusCode, headers: flat, body, text: body.toString('utf8') };
}

/** The text of `<Name>` in an XML body (first occurrence). */
export function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1];
}

export function xmlFields(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);
}

/** Deterministic bytes: b[i] = (i*31 + seed) & 255 (seed 7 is the reference's §6 fixture). */
export function patternBytes(size: number, seed = 7): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 255;
  return data;
}

export async function withMockServer(t: Test, options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer(options);
  t.teardown(() => server.close());
  return server;
}

export async function initiate(server: MockServer, key: string, headers: Record<string, string> = {}): Promise<string> {
  const reply = await ossRequest(server, { method: 'POST', bucket: BUCKET, key, query: { uploads: '' }, headers });
  if (reply.status !== 200) throw new Error(`initiate failed: ${reply.status} ${reply.text}`);
  return xmlField(reply.text, 'UploadId')!;
}

export async function putPart(server: MockServer, key: string, uploadId: string, partNumber: number, data: Buffer, headers: Record<string, string> = {}): Promise<OssReply> {
  return ossRequest(server, { method: 'PUT', bucket: BUCKET, key, query: { partNumber: String(partNumber), uploadId }, headers, body: data });
}

export function completeXml(parts: Array<{ partNumber: number; etag: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${p.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
}

export async function complete(server: MockServer, key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>, headers: Record<string, string> = {}): Promise<OssReply> {
  return ossRequest(server, { method: 'POST', bucket: BUCKET, key, query: { uploadId }, headers: { 'content-type': 'application/xml', ...headers }, body: completeXml(parts) });
}

/**
 * A signed request head (request line and headers, ending in a blank line) for a raw socket,
 * for framing an HTTP client would not send: chunked bodies by hand, conflicting lengths, stalls.
 */
export function signedRequestHead(server: Pick<MockServer, 'port'>, call: { method: string; bucket?: string; key?: string; query?: Record<string, string>; headers?: Record<string, string> }): string {
  const query = call.query ?? {};
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  signRequest({ method: call.method, bucket: call.bucket, key: call.key, query, headers }, CREDS, new Date(), { version: 'v1' });
  const lines = [`${call.method} ${pathFor(call.bucket, call.key)}${encodeQuery(query)} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Connects, lets `talk` write, and resolves with everything the server sent once it closes the connection. */
export async function rawExchange(server: Pick<MockServer, 'port'>, talk: (socket: Socket) => void | Promise<void>): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined); // a reset after the server's answer is expected
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await talk(socket);
  await closed;
  return answer;
}
