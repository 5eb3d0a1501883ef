// Requests Node's HTTP parser refuses (a malformed request line, headers or chunk) are answered
// the way OSS answers: an <Error> document with a request id, a log line, then the connection
// closes; not Node's bare 400 without a body. Headers that do not arrive in time are dropped
// unanswered, as a front end drops a connection that never finished a request.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerContext } from './context.js';
import { MockOssError } from './mock-error.js';
import { errorXml, newRequestId } from './responses.js';

function failureFor(code: string | undefined): MockOssError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new MockOssError(400, 'InvalidRequest', 'The request headers are too large.');
    default:
      return new MockOssError(400, 'InvalidRequest', `The request is not well-formed HTTP/1.1 (${code ?? 'parse error'}).`);
  }
}

type ParsedSocket = Duplex & { bytesRead?: number; _httpMessage?: { headersSent: boolean } | null };

export function answerClientError(server: ServerContext, error: Error & { code?: string }, socket: ParsedSocket): void {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    // A connection that never sent a byte is only idle: closing it is routine, not worth a line.
    if (socket.bytesRead) server.log?.(`- - - a request's headers did not arrive within ${server.limits.headersTimeoutMs} ms: connection dropped`);
    socket.destroy();
    return;
  }
  // Gone already, or broken mid-answer: nothing to answer.
  if (error.code === 'ECONNRESET' || socket._httpMessage?.headersSent || !socket.writable) {
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
