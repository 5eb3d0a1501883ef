// A loopback proxy in front of the mock that replaces the x-oss-hash-crc64ecma answer of the
// requests `rewrite` picks: a server whose CRC records disagree with the bytes it stored. For
// checks the faithful mock cannot fail on purpose, such as the local CRC-64 of each part.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/** The CRC the proxy reports instead of the real one. */
export const REWRITTEN_CRC64 = '1234567890';

/** Starts the proxy (closed at `t`'s teardown) and returns its URL. */
export async function crcRewritingProxy(t: Test, target: string, rewrite: (req: IncomingMessage) => boolean): Promise<string> {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        if (headers['x-oss-hash-crc64ecma'] !== undefined && rewrite(req)) headers['x-oss-hash-crc64ecma'] = REWRITTEN_CRC64;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
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

/** Picks the UploadPart request of part `partNumber`. */
export const isPart = (partNumber: number) => (req: IncomingMessage) =>
  req.method === 'PUT' && new URL(req.url ?? '/', 'http://x').searchParams.get('partNumber') === String(partNumber);
