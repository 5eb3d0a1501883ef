// Requests Node's HTTP parser refuses (a malformed request line, headers or chunk, headers that
// never finish) are answered the way OSS answers: an <Error> document with a request id, a log
// line, then the connection closes; not Node's bare 400 without a body.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerContext } from './context.js';
import { MockOssError } from './mock-error.js';
import { errorXml, newRequestId } from './responses.js';

export const requestTimeout = (): MockOssError =>
  new MockOssError(400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.');

function failureFor(code: string | undefined): MockOssError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimeout();
    case 'HPE_HEADER_OVERFLOW':
      return new MockOssError(400, 'InvalidRequest', 'The request headers are too large.');
    default:
      return new MockOssError(400, 'InvalidRequest', `The request is not well-formed HTTP/1.1 (${code ?? 'parse error'}).`);
  }
}

type ParsedSocket = Duplex & { bytesRead?: number; _httpMessage?: { headersSent: boolean } | null };

export function answerClientError(server: ServerContext, error: Error & { code?: string }, socket: ParsedSocket): void {
  // Gone already, timed out without sending a byte, or broken mid-answer: nothing to answer.
  const silent = error.code === 'ECONNRESET' || (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && !socket.bytesRead) || socket._httpMessage?.headersSent;
  if (silent || !socket.writable) {
    socket.destroy();
    return;
  }
  const failure = failureFor(error.code);
  const requestId = newRequestId();
  const body = Buffer.from(errorXml({ requestId, host: 'localhost' }, failure), 'utf8');
  const head = [
    `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? ''}`,
    `x-oss-request-id: ${requestId}`,
    `Date: ${server.clock.now().toUTCString()}`,
    'Server: AliyunOSS',
    'Content-Type: application/xml',
    `Content-Length: ${body.length}`,
    'Connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
  server.log?.(`- - - ${failure.status} ${failure.code} (${error.code ?? error.message}) ${requestId}`);
}
