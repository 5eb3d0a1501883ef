// Behaviour OSS has beyond single APIs: authentication before NotImplemented, and malformed
// framing answered in OSS's XML rather than by Node's HTTP parser.
import t from 'tap';
import { BUCKET, ossRequest, rawExchange, signedRequestHead, withMockServer, xmlField } from './mock-server-helpers.js';

t.test('authentication comes before NotImplemented: 403 unsigned or badly signed, 501 only when signed', async (t) => {
  const server = await withMockServer(t);
  // SelectObject, which the mock lacks.
  const call = { method: 'POST', bucket: BUCKET, key: 'data.csv', query: { 'x-oss-process': 'csv/select' }, body: '<SelectRequest/>' };
  const unsigned = await ossRequest(server, { ...call, sign: 'none' });
  t.equal(unsigned.status, 403);
  t.equal(xmlField(unsigned.text, 'Code'), 'AccessDenied');
  const wrong = await ossRequest(server, { ...call, creds: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'not-the-secret' } });
  t.equal(xmlField(wrong.text, 'Code'), 'SignatureDoesNotMatch');
  for (const sign of ['v1', 'v4'] as const) {
    const signed = await ossRequest(server, { ...call, sign });
    t.equal(signed.status, 501, `${sign}: signed, then refused`);
    t.equal(xmlField(signed.text, 'Code'), 'NotImplemented');
  }
});

t.test('Content-Length together with chunked encoding: the chunks decide the length, as at OSS', async (t) => {
  const server = await withMockServer(t);
  const head = signedRequestHead(server, { method: 'PUT', bucket: BUCKET, key: 'both.bin', headers: { 'content-length': '3', 'transfer-encoding': 'chunked', connection: 'close' } });
  const answer = await rawExchange(server, (socket) => void socket.write(`${head}5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`));
  t.match(answer, /^HTTP\/1\.1 200 /);
  t.equal((await server.readObject(BUCKET, 'both.bin')).toString(), 'hello world');
});

t.test('a request that Node\'s parser refuses gets an OSS <Error> with a request id and a log line, not a bare 400', async (t) => {
  const lines: string[] = [];
  const server = await withMockServer(t, { log: (line) => lines.push(line) });
  const malformed = [
    'GET /test-bucket/x HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n',
    `${signedRequestHead(server, { method: 'PUT', bucket: BUCKET, key: 'bad-chunk.bin', headers: { 'transfer-encoding': 'chunked' } })}zz\r\nhello\r\n`,
  ];
  for (const request of malformed) {
    const answer = await rawExchange(server, (socket) => void socket.write(request));
    t.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    t.match(answer, /\r\nContent-Type: application\/xml\r\n/);
    t.match(answer, /\r\nConnection: close\r\n/);
    t.match(answer, /\r\nServer: AliyunOSS\r\n/);
    const requestId = /\r\nx-oss-request-id: ([0-9A-F]{24})\r\n/.exec(answer)?.[1];
    t.ok(requestId, 'x-oss-request-id header');
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    t.equal(xmlField(body, 'Code'), 'InvalidRequest');
    t.match(xmlField(body, 'Message'), /not well-formed HTTP/);
    t.equal(xmlField(body, 'RequestId'), requestId, 'the body names the same request id');
    t.ok(lines.some((line) => line.includes(requestId!) && line.includes('400')), 'and so does the log');
  }
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'bad-chunk.bin' })).status, 404, 'nothing was stored');
});
