// Hostile names never reach the file system: traversal in every spelling is refused before
// anything is written, and even keys that look like paths are stored under hashed names.
import t from 'tap';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connect } from 'node:net';
import { Client } from 'undici';
import { signRequest } from '../lib/signer/index.js';
import { BUCKET, CREDS, ossRequest, withMockServer, xmlField } from './mock-server-helpers.js';

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).sort();
}

t.test('traversal attempts are refused before touching the disk', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'mock-safety-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const outside = join(root, 'outside');
  await writeFile(join(root, 'sentinel.txt'), 'untouched');
  const server = await withMockServer(t, { dataDir });
  const before = await listTree(root);
  const client = new Client(server.url);
  t.teardown(() => client.close());

  const attempts: Array<[string, string]> = [
    ['/test-bucket/../outside/escape.txt', 'InvalidObjectName'],
    ['/test-bucket/%2e%2e%2foutside%2fescape.txt', 'InvalidObjectName'],
    ['/test-bucket/%2E%2E/%2E%2E/sentinel.txt', 'InvalidObjectName'],
    ['/test-bucket/a/../../outside/x', 'InvalidObjectName'],
    ['/test-bucket/a/..%5C..%5C..%5Cx', 'InvalidObjectName'],
    ['/test-bucket//etc/passwd', 'InvalidObjectName'],
    ['/test-bucket/%2Fetc%2Fpasswd', 'InvalidObjectName'],
    ['/test-bucket/%5Cwindows%5Cpath', 'InvalidObjectName'],
    ['/test-bucket/nul%00byte', 'InvalidObjectName'],
    ['/test-bucket/non%EF%BF%BFchar', 'InvalidObjectName'],
    [`/test-bucket/${'k'.repeat(1024)}`, 'InvalidObjectName'],
    ['/..%2F..%2Foutside/x', 'InvalidBucketName'],
    ['/%2e%2e/x', 'InvalidBucketName'],
    ['/test-bucket/bad%zzescape', 'InvalidURI'],
  ];
  for (const [path, code] of attempts) {
    for (const method of ['PUT', 'POST', 'GET'] as const) {
      const query = method === 'POST' ? '?uploads' : '';
      const response = await client.request({ path: path + query, method, headers: { 'content-length': '4' }, body: method === 'PUT' ? 'evil' : undefined });
      const text = await response.body.text();
      t.equal(response.statusCode, 400, `${method} ${path.slice(0, 60)}`);
      t.equal(xmlField(text, 'Code'), code, `${method} ${path.slice(0, 60)}`);
    }
  }
  t.same(await listTree(root), before, 'no file was created, inside or outside the data dir');
  await t.rejects(readdir(outside), { code: 'ENOENT' });
});

t.test('path-like keys are legal objects stored under hashed names', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'mock-safety-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const server = await withMockServer(t, { dataDir });
  const client = new Client(server.url);
  t.teardown(() => client.close());
  const keys = ['a/../b.txt', './dot/./slash.txt', 'x/..', '....', `${'k'.repeat(1023)}`, 'C:\\windows\\style.txt', 'emoji-😀/名字.txt'];
  for (const key of keys) {
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    signRequest({ method: 'PUT', bucket: BUCKET, key, query: {}, headers }, CREDS, new Date(), { version: 'v1' });
    // Sent with the dots literal in the path, as a raw client would.
    const path = `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const response = await client.request({ path, method: 'PUT', headers, body: key });
    const text = await response.body.text();
    t.equal(response.statusCode, 200, `${key.slice(0, 40)} ${xmlField(text, 'Code') ?? ''}`);
    t.equal((await server.readObject(BUCKET, key)).toString(), key);
    const onDisk = server.objectPath(BUCKET, key);
    t.ok(onDisk.startsWith(join(dataDir, 'buckets', BUCKET, 'objects')), 'stored inside the data dir');
    t.match(onDisk.slice(onDisk.lastIndexOf('/') + 1), /^[0-9a-f]{64}\.[0-9a-f]{12}\.data$/, 'under a hashed name');
  }
  const files = await listTree(dataDir);
  t.ok(files.every((f) => /^buckets\/test-bucket\/(bucket\.json|objects\/[0-9a-f]{64}\.(json|[0-9a-f]{12}\.data))$/.test(f)), 'only hashed names exist');
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'b.txt' })).status, 404, '"a/../b.txt" is not "b.txt"');
});

t.test('a body over 5 GiB is refused at once and the connection closed', async (t) => {
  const server = await withMockServer(t);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  signRequest({ method: 'PUT', bucket: BUCKET, key: 'huge.bin', query: {}, headers }, CREDS, new Date(), { version: 'v1' });
  const socket = connect(server.port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  const head = [`PUT /${BUCKET}/huge.bin HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Content-Length: 6442450944', ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`)];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  socket.write(Buffer.alloc(64 * 1024));
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  await new Promise((resolve) => socket.once('close', resolve));
  t.match(answer, /^HTTP\/1\.1 400 /);
  t.match(answer, /\r\nConnection: close\r\n/i);
  t.match(answer, /<Code>EntityTooLarge<\/Code>/);
  t.ok(server.stats.bytesReceived < 1024 * 1024, 'the body was not read');
});

t.test('methods and unsupported operations', async (t) => {
  const server = await withMockServer(t);
  const client = new Client(server.url);
  t.teardown(() => client.close());
  const patch = await client.request({ path: '/test-bucket/x', method: 'PATCH' });
  t.equal(patch.statusCode, 405);
  t.equal(xmlField(await patch.body.text(), 'Code'), 'MethodNotAllowed');
  const lifecycle = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { lifecycle: '' } });
  t.equal(lifecycle.status, 501, 'bucket lifecycle is not implemented');
  const select = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'x', query: { 'x-oss-process': 'csv/select' }, body: '<SelectRequest/>' });
  t.equal(xmlField(select.text, 'Code'), 'NotImplemented', 'SelectObject is not implemented');
});
