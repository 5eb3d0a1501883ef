// Loopback proxies in front of the mock that rewrite chosen answers: a server whose CRC records
// disagree with the bytes it stored, or one that answers with XML nobody can read. For checks the
// faithful mock cannot fail on purpose. The request always reaches the mock and takes effect
// there; only its answer is changed.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/** The CRC the CRC-rewriting proxy reports instead of the real one. */
export const REWRITTEN_CRC64 = '1234567890';

/** What to change in an answer: a header value, or the whole body. */
export interface AnswerRewrite {
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Starts a proxy (closed at `t`'s teardown) whose `rewrite` picks answers to change; returns its
 * URL. `onRequest` sees every request as it arrives (whether or not an answer follows).
 */
export async function rewritingProxy(
  t: Test,
  target: string,
  rewrite: (req: IncomingMessage, answer: IncomingMessage) => AnswerRewrite | undefined,
  onRequest?: (req: IncomingMessage) => void,
): Promise<string> {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    onRequest?.(req);
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const change = rewrite(req, answer);
        const headers = { ...answer.headers, ...change?.headers };
        if (change?.body === undefined) {
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
          return;
        }
        answer.resume();
        delete headers['content-length'];
        delete headers['transfer-encoding'];
        res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(change.body) });
        res.end(change.body);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** A proxy that reports REWRITTEN_CRC64 as x-oss-hash-crc64ecma on the answers `pick` chooses. */
export function crcRewritingProxy(t: Test, target: string, pick: (req: IncomingMessage) => boolean): Promise<string> {
  return rewritingProxy(t, target, (req, answer) =>
    answer.headers['x-oss-hash-crc64ecma'] !== undefined && pick(req) ? { headers: { 'x-oss-hash-crc64ecma': REWRITTEN_CRC64 } } : undefined,
  );
}

/** Picks the UploadPart request of part `partNumber`. */
export const isPart = (partNumber: number) => (req: IncomingMessage) =>
  req.method === 'PUT' && new URL(req.url ?? '/', 'http://x').searchParams.get('partNumber') === String(partNumber);
