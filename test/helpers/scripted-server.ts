// A loopback HTTP server whose answers a test scripts one request at a time. For transport
// behaviour the faithful mock cannot produce on purpose (HTML error pages, garbage XML,
// oversized bodies, a Date far from now). Real sockets, real undici on the client side.
import type { Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface ScriptedServer {
  url: string;
  /** Requests seen so far, with the headers they carried. */
  seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; bodyBytes: number }>;
  /** Handlers used in order, one per request; the last one repeats. */
  script(...handlers: Handler[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  let handlers: Handler[] = [];
  const seen: ScriptedServer['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: body.length });
      const handler = handlers.length > 1 ? handlers.shift()! : handlers[0];
      if (!handler) {
        res.statusCode = 500;
        res.end();
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...h) => {
      handlers = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A scripted server for a whole test file: closed at its end, its log of requests cleared before each subtest. */
export async function scriptedServerFor(t: Test): Promise<ScriptedServer> {
  const server = await startScriptedServer();
  t.teardown(() => server.close());
  t.beforeEach(() => {
    server.seen.length = 0;
  });
  return server;
}

export function xmlError(status: number, code: string, message = code, extra = ''): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-oss-request-id': 'REQ' + status + code.toUpperCase().slice(0, 8) });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>RID-${code}</RequestId><HostId>h</HostId>${extra}</Error>`);
  };
}

export function ok(headers: Record<string, string> = {}, body = ''): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'x-oss-request-id': 'OKREQ', ...headers });
    res.end(body);
  };
}
