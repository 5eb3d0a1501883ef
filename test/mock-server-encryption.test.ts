// Server-side encryption headers: accepted on PutObject, InitiateMultipartUpload, CopyObject and
// AppendObject, refused when invalid the way OSS refuses them, recorded with the object and echoed
// by every answer about it (UploadPart and Complete echo what Initiate set).
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET, complete, initiate, ossRequest, putPart, withMockServer, xmlField } from './mock-server-helpers.js';
import { startMockServer } from '../lib/mock-server/index.js';
import { DEFAULT_KMS_KEY_ID } from '../lib/mock-server/handlers/server-side-encryption.js';

const SSE = 'x-oss-server-side-encryption';
const KEY_ID = 'x-oss-server-side-encryption-key-id';
const DATA = 'x-oss-server-side-data-encryption';

const sseOf = (headers: Record<string, string>): Record<string, string | undefined> => ({ [SSE]: headers[SSE], [KEY_ID]: headers[KEY_ID], [DATA]: headers[DATA] });

t.test('PutObject: each algorithm is echoed and returned by HEAD and GET', async (t) => {
  const server = await withMockServer(t);
  const cases: Array<[Record<string, string>, Record<string, string | undefined>]> = [
    [{ [SSE]: 'AES256' }, { [SSE]: 'AES256', [KEY_ID]: undefined, [DATA]: undefined }],
    [{ [SSE]: 'SM4' }, { [SSE]: 'SM4', [KEY_ID]: undefined, [DATA]: undefined }],
    [{ [SSE]: 'KMS' }, { [SSE]: 'KMS', [KEY_ID]: DEFAULT_KMS_KEY_ID, [DATA]: undefined }],
    [{ [SSE]: 'KMS', [KEY_ID]: 'my-cmk-1', [DATA]: 'SM4' }, { [SSE]: 'KMS', [KEY_ID]: 'my-cmk-1', [DATA]: 'SM4' }],
  ];
  for (const [i, [headers, expected]] of cases.entries()) {
    const key = `enc-${i}`;
    const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'secret', headers, sign: i % 2 ? 'v4' : 'v1' });
    t.equal(put.status, 200, put.text);
    t.same(sseOf(put.headers), expected, `${JSON.stringify(headers)}: PutObject echoes`);
    t.same(sseOf((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key })).headers), expected, 'HEAD returns it');
    const get = await ossRequest(server, { method: 'GET', bucket: BUCKET, key });
    t.same(sseOf(get.headers), expected, 'GET returns it');
    t.equal(get.text, 'secret', 'and the data as stored (nothing is really encrypted)');
  }
  const plain = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'plain', body: 'x' });
  t.same(sseOf(plain.headers), { [SSE]: undefined, [KEY_ID]: undefined, [DATA]: undefined }, 'no encryption asked, none claimed');
});

t.test('invalid encryption headers are refused before anything is stored', async (t) => {
  const server = await withMockServer(t);
  const refusals: Array<[Record<string, string>, string, string | undefined]> = [
    [{ [SSE]: 'AES128' }, 'InvalidEncryptionAlgorithmError', SSE],
    [{ [SSE]: 'aes256' }, 'InvalidEncryptionAlgorithmError', SSE],
    [{ [SSE]: 'AES256', [KEY_ID]: 'k' }, 'InvalidArgument', KEY_ID],
    [{ [SSE]: 'SM4', [DATA]: 'SM4' }, 'InvalidArgument', DATA],
    [{ [SSE]: 'KMS', [DATA]: 'AES256' }, 'InvalidArgument', DATA],
    [{ [KEY_ID]: 'k' }, 'InvalidArgument', KEY_ID],
    [{ [DATA]: 'SM4' }, 'InvalidArgument', DATA],
  ];
  for (const [headers, code, argument] of refusals) {
    const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'refused', body: 'x', headers });
    t.equal(put.status, 400, JSON.stringify(headers));
    t.equal(xmlField(put.text, 'Code'), code, `${JSON.stringify(headers)}: ${code}`);
    t.equal(xmlField(put.text, 'ArgumentName'), argument);
    const initiated = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'refused', query: { uploads: '' }, headers });
    t.equal(xmlField(initiated.text, 'Code'), code, `${JSON.stringify(headers)}: refused by Initiate too`);
  }
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'refused' })).status, 404, 'no object');
  t.same(server.listUploads(BUCKET), [], 'no upload');
});

t.test('multipart: Initiate sets it, UploadPart and Complete echo it, parts may not carry it, and it survives a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mock-sse-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const first = await startMockServer({ dataDir });
  const headers = { [SSE]: 'KMS', [DATA]: 'SM4' };
  const init = await ossRequest(first, { method: 'POST', bucket: BUCKET, key: 'm', query: { uploads: '' }, headers });
  t.same(sseOf(init.headers), { [SSE]: 'KMS', [KEY_ID]: DEFAULT_KMS_KEY_ID, [DATA]: 'SM4' }, 'Initiate echoes, with the default KMS key');
  const uploadId = xmlField(init.text, 'UploadId')!;
  const refused = await putPart(first, 'm', uploadId, 1, Buffer.from('p'), { [SSE]: 'KMS' });
  t.equal(xmlField(refused.text, 'Code'), 'InvalidArgument', 'encryption is set at Initiate, not on a part');
  const part = await putPart(first, 'm', uploadId, 1, Buffer.from('part one'));
  t.equal(part.headers[SSE], 'KMS', 'UploadPart echoes the upload\'s encryption');
  await first.close();

  const second = await startMockServer({ dataDir });
  t.teardown(() => second.close());
  const done = await complete(second, 'm', uploadId, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.equal(done.status, 200, done.text);
  t.same(sseOf(done.headers), { [SSE]: 'KMS', [KEY_ID]: DEFAULT_KMS_KEY_ID, [DATA]: 'SM4' }, 'Complete echoes what Initiate set, after a restart');
  t.same(sseOf((await ossRequest(second, { method: 'HEAD', bucket: BUCKET, key: 'm' })).headers), sseOf(done.headers), 'the object keeps it');

  const plainId = await initiate(second, 'plain');
  const plainPart = await putPart(second, 'plain', plainId, 1, Buffer.from('x'));
  t.notOk(plainPart.headers[SSE], 'an unencrypted upload claims nothing');
});

t.test('CopyObject takes the encryption its request asks for; the first AppendObject sets it', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'src', body: 'data', headers: { [SSE]: 'AES256' } });
  const plain = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'copy-plain', headers: { 'x-oss-copy-source': `/${BUCKET}/src` } });
  t.equal(plain.status, 200, plain.text);
  t.notOk((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'copy-plain' })).headers[SSE], 'a copy without the header is not encrypted');
  const kms = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'copy-kms', headers: { 'x-oss-copy-source': `/${BUCKET}/src`, [SSE]: 'KMS', [KEY_ID]: 'cmk-2' } });
  t.same(sseOf(kms.headers), { [SSE]: 'KMS', [KEY_ID]: 'cmk-2', [DATA]: undefined }, 'CopyObject echoes');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'copy-kms' })).headers[KEY_ID], 'cmk-2');

  const first = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'log', query: { append: '', position: '0' }, body: 'a', headers: { [SSE]: 'SM4' } });
  t.equal(first.headers[SSE], 'SM4');
  const next = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'log', query: { append: '', position: '1' }, body: 'b' });
  t.equal(next.headers[SSE], 'SM4', 'later appends keep what the first set');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'log' })).headers[SSE], 'SM4');
});
