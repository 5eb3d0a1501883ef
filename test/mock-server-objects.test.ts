// PutObject, HeadObject, GetObject (ranges), DeleteObject, ListObjects and upload callbacks.
import t, { type Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { BUCKET, complete, initiate, ossRequest, patternBytes, putPart, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

t.test('PutObject stores the body with its headers; HEAD and GET return them', async (t) => {
  const server = await withMockServer(t);
  const data = patternBytes(300_000, 3);
  const md5 = createHash('md5').update(data).digest();
  const put = await ossRequest(server, {
    method: 'PUT',
    bucket: BUCKET,
    key: 'obj/data.bin',
    body: data,
    headers: { 'content-type': 'application/x-test', 'content-md5': md5.toString('base64'), 'x-oss-meta-color': 'blue', 'content-disposition': 'attachment' },
  });
  t.equal(put.status, 200);
  t.equal(put.headers['etag'], `"${md5.toString('hex').toUpperCase()}"`);
  t.equal(put.headers['content-md5'], md5.toString('base64'));
  t.match(put.headers['x-oss-hash-crc64ecma'], /^\d+$/);
  t.match(put.headers['x-oss-request-id'], /^[0-9A-F]{24}$/);
  t.equal(put.headers['server'], 'AliyunOSS');
  t.equal(put.headers['connection'], 'keep-alive');
  t.ok(Math.abs(Date.parse(put.headers['date']!) - Date.now()) < 60_000);

  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'obj/data.bin' });
  t.equal(head.status, 200);
  t.equal(head.body.length, 0);
  t.equal(head.headers['content-length'], '300000');
  t.equal(head.headers['etag'], put.headers['etag']);
  t.equal(head.headers['x-oss-hash-crc64ecma'], put.headers['x-oss-hash-crc64ecma']);
  t.equal(head.headers['content-type'], 'application/x-test');
  t.equal(head.headers['content-disposition'], 'attachment');
  t.equal(head.headers['x-oss-meta-color'], 'blue');
  t.equal(head.headers['x-oss-object-type'], 'Normal');
  t.ok(!Number.isNaN(Date.parse(head.headers['last-modified']!)));

  const get = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'obj/data.bin' });
  t.equal(get.status, 200);
  t.ok(get.body.equals(data));

  const overridden = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'obj/data.bin', query: { 'response-content-type': 'image/png', 'response-content-disposition': 'inline' } });
  t.equal(overridden.headers['content-type'], 'image/png', 'response-* parameters override stored headers');
  t.equal(overridden.headers['content-disposition'], 'inline');

  const empty = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'obj/empty', body: Buffer.alloc(0) });
  t.equal(empty.headers['etag'], '"D41D8CD98F00B204E9800998ECF8427E"');
  t.equal(empty.headers['x-oss-hash-crc64ecma'], '0');
  const emptyGet = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'obj/empty' });
  t.equal(emptyGet.status, 200);
  t.equal(emptyGet.body.length, 0);
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'obj/empty' })).headers['content-type'], 'application/octet-stream');
});

t.test('PutObject errors: Content-MD5, forbid-overwrite', async (t) => {
  const server = await withMockServer(t);
  const wrongMd5 = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p.txt', body: 'abc', headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' } });
  t.equal(wrongMd5.status, 400);
  t.equal(xmlField(wrongMd5.text, 'Code'), 'InvalidDigest');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'p.txt' })).status, 404, 'nothing was stored');

  t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p.txt', body: 'v1', headers: { 'x-oss-forbid-overwrite': 'true' } })).status, 200);
  const refused = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p.txt', body: 'v2', headers: { 'x-oss-forbid-overwrite': 'true' } });
  t.equal(refused.status, 409);
  t.equal(xmlField(refused.text, 'Code'), 'FileAlreadyExists');
  t.equal((await server.readObject(BUCKET, 'p.txt')).toString(), 'v1');
  t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p.txt', body: 'v3' })).status, 200, 'overwriting is the default');
  t.equal((await server.readObject(BUCKET, 'p.txt')).toString(), 'v3');

  const badClass = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'q.txt', body: 'x', headers: { 'x-oss-storage-class': 'Glacier' } });
  t.equal(xmlField(badClass.text, 'Code'), 'InvalidArgument');
});

t.test('GET ranges: a-b, a-, -n, clamping, 416 and ignored syntax', async (t) => {
  const server = await withMockServer(t);
  const data = Buffer.from('0123456789abcdefghij');
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'r.txt', body: data });
  const range = (value: string) => ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'r.txt', headers: { range: value } });

  const cases: Array<[string, number, string, string | undefined]> = [
    ['bytes=0-4', 206, '01234', 'bytes 0-4/20'],
    ['bytes=15-', 206, 'fghij', 'bytes 15-19/20'],
    ['bytes=-3', 206, 'hij', 'bytes 17-19/20'],
    ['bytes=18-100', 206, 'ij', 'bytes 18-19/20'],
    ['bytes=-50', 206, data.toString(), 'bytes 0-19/20'],
    ['bytes=5-2', 200, data.toString(), undefined],
    ['bytes=0-1,4-5', 200, data.toString(), undefined],
    ['items=0-1', 200, data.toString(), undefined],
  ];
  for (const [header, status, body, contentRange] of cases) {
    const reply = await range(header);
    t.equal(reply.status, status, header);
    t.equal(reply.text, body, header);
    t.equal(reply.headers['content-range'], contentRange, header);
    t.equal(reply.headers['content-length'], String(body.length));
  }
  for (const header of ['bytes=20-', 'bytes=25-30', 'bytes=-0']) {
    const reply = await range(header);
    t.equal(reply.status, 416, header);
    t.equal(xmlField(reply.text, 'Code'), 'InvalidRange');
    t.equal(reply.headers['content-range'], 'bytes */20');
  }
});

t.test('missing objects: NoSuchKey in the body for GET, in x-oss-err for HEAD', async (t) => {
  const server = await withMockServer(t);
  const get = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'absent.txt' });
  t.equal(get.status, 404);
  t.equal(get.headers['content-type'], 'application/xml');
  t.equal(xmlField(get.text, 'Code'), 'NoSuchKey');
  t.equal(xmlField(get.text, 'RequestId'), get.headers['x-oss-request-id']);
  t.ok(xmlField(get.text, 'HostId'));
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'absent.txt' });
  t.equal(head.status, 404);
  t.equal(head.body.length, 0);
  const decoded = Buffer.from(head.headers['x-oss-err']!, 'base64').toString('utf8');
  t.equal(xmlField(decoded, 'Code'), 'NoSuchKey');
  t.equal(xmlField(decoded, 'RequestId'), head.headers['x-oss-request-id']);
});

t.test('DeleteObject and ListObjects', async (t) => {
  const server = await withMockServer(t);
  for (const key of ['l/a.txt', 'l/b/1.txt', 'l/b/2.txt', 'l/c.txt', 'm.txt']) await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: key });
  const list = (query: Record<string, string>) => ossRequest(server, { method: 'GET', bucket: BUCKET, query });
  const all = await list({ prefix: 'l/' });
  t.same(xmlFields(all.text, 'Key'), ['l/a.txt', 'l/b/1.txt', 'l/b/2.txt', 'l/c.txt']);
  const rolled = await list({ prefix: 'l/', delimiter: '/' });
  t.same(xmlFields(rolled.text, 'Key'), ['l/a.txt', 'l/c.txt']);
  t.match(rolled.text, /<CommonPrefixes><Prefix>l\/b\/<\/Prefix><\/CommonPrefixes>/);
  const page = await list({ 'max-keys': '2' });
  t.equal(xmlField(page.text, 'IsTruncated'), 'true');
  const next = await list({ 'max-keys': '10', marker: xmlField(page.text, 'NextMarker')! });
  t.same([...xmlFields(page.text, 'Key'), ...xmlFields(next.text, 'Key')], ['l/a.txt', 'l/b/1.txt', 'l/b/2.txt', 'l/c.txt', 'm.txt']);

  const deleted = await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'l/a.txt' });
  t.equal(deleted.status, 204);
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'l/a.txt' })).status, 404);
  t.equal((await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'l/a.txt' })).status, 204, 'deleting a missing key is not an error');
  const notAnImage = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'm.txt', query: { 'x-oss-process': 'image/resize,w_10' } });
  t.equal(notAnImage.status, 400, 'image processing of a text object');
  t.equal(xmlField(notAnImage.text, 'Code'), 'BadRequest');
});

interface CallbackCall {
  contentType: string | undefined;
  host: string | undefined;
  body: string;
}

async function callbackServer(t: Test, answer: (res: ServerResponse) => void): Promise<{ url: string; calls: CallbackCall[] }> {
  const calls: CallbackCall[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      calls.push({ contentType: req.headers['content-type'], host: req.headers['host'], body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, calls };
}

t.test('callbacks: variables, 200 pass-through, 203 CallbackFailed, 400 before storing', async (t) => {
  const server = await withMockServer(t);
  const good = await callbackServer(t, (res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"accepted":true}');
  });
  const callback = b64({
    callbackUrl: good.url,
    callbackBody: 'bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mime=${mimeType}&crc=${crc64}&v=${x:var}',
  });
  const vars = b64({ 'x:var': 'a b&c' });

  const id = await initiate(server, 'cb/file name.bin', { 'content-type': 'text/plain' });
  const part = await putPart(server, 'cb/file name.bin', id, 1, Buffer.from('hello'));
  const done = await complete(server, 'cb/file name.bin', id, [{ partNumber: 1, etag: part.headers['etag']! }], { 'x-oss-callback': callback, 'x-oss-callback-var': vars });
  t.equal(done.status, 200);
  t.equal(done.text, '{"accepted":true}', 'the callback server body is passed through');
  t.equal(done.headers['content-type'], 'application/json');
  t.match(done.headers['etag'], /-1"$/);
  t.equal(good.calls.length, 1);
  const sent = new URLSearchParams(good.calls[0]!.body);
  t.equal(sent.get('bucket'), BUCKET);
  t.equal(sent.get('object'), 'cb/file name.bin');
  t.equal(sent.get('etag'), done.headers['etag']!.replace(/"/g, ''));
  t.equal(sent.get('size'), '5');
  t.equal(sent.get('mime'), 'text/plain');
  t.equal(sent.get('crc'), done.headers['x-oss-hash-crc64ecma']);
  t.equal(sent.get('v'), 'a b&c', 'custom variables are substituted, URL-encoded');
  t.equal(good.calls[0]!.contentType, 'application/x-www-form-urlencoded');

  const jsonCallback = b64({ callbackUrl: good.url, callbackBody: '{"object":"${object}","size":${size}}', callbackBodyType: 'application/json', callbackHost: 'app.example.com' });
  const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'cb/"quoted".txt', body: 'abc', headers: { 'x-oss-callback': jsonCallback } });
  t.equal(put.status, 200);
  t.same(JSON.parse(good.calls[1]!.body), { object: 'cb/"quoted".txt', size: 3 }, 'JSON bodies get JSON-escaped values');
  t.equal(good.calls[1]!.host, 'app.example.com', 'callbackHost becomes the Host header');

  const failing = await callbackServer(t, (res) => {
    res.statusCode = 500;
    res.end('oops');
  });
  const notJson = await callbackServer(t, (res) => res.end('plain text'));
  for (const [name, url] of [
    ['500 from the callback server', failing.url],
    ['a non-JSON answer', notJson.url],
    ['a non-loopback URL', 'http://192.0.2.1/cb'],
    ['a closed port', 'http://127.0.0.1:1/cb'],
  ] as const) {
    const key = `cb/${name}.txt`;
    const reply = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'stored anyway', headers: { 'x-oss-callback': b64({ callbackUrl: url, callbackBody: 'x=1' }) } });
    t.equal(reply.status, 203, name);
    t.equal(xmlField(reply.text, 'Code'), 'CallbackFailed', name);
    t.match(reply.headers['etag'], /^"[0-9A-F]{32}"$/, `${name}: the upload headers are still there`);
    t.equal((await server.readObject(BUCKET, key)).toString(), 'stored anyway', `${name}: the object exists`);
  }

  for (const [name, header] of [
    ['not base64', '%%%'],
    ['not JSON', Buffer.from('{nope').toString('base64')],
    ['no callbackUrl', b64({ callbackBody: 'x' })],
    ['no callbackBody', b64({ callbackUrl: good.url })],
    ['bad body type', b64({ callbackUrl: good.url, callbackBody: 'x', callbackBodyType: 'text/plain' })],
  ] as const) {
    const key = `cb/invalid ${name}.txt`;
    const reply = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'never stored', headers: { 'x-oss-callback': header } });
    t.equal(reply.status, 400, name);
    t.equal(xmlField(reply.text, 'Code'), 'InvalidArgument', name);
    t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key })).status, 404, `${name}: nothing stored`);
  }
  const badVar = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'cb/v.txt', body: 'x', headers: { 'x-oss-callback': callback, 'x-oss-callback-var': b64({ novar: 'x' }) } });
  t.equal(xmlField(badVar.text, 'Code'), 'InvalidArgument', 'custom variables must start with x:');

  const id2 = await initiate(server, 'cb/multi.bin');
  const p2 = await putPart(server, 'cb/multi.bin', id2, 1, Buffer.from('x'));
  const invalidOnComplete = await complete(server, 'cb/multi.bin', id2, [{ partNumber: 1, etag: p2.headers['etag']! }], { 'x-oss-callback': 'garbage!' });
  t.equal(invalidOnComplete.status, 400);
  t.same(server.listUploads(BUCKET).map((u) => u.uploadId), [id2], 'an invalid callback leaves the upload uncompleted');
});
