// Storage classes and RestoreObject: archived objects refuse GET until restored, HEAD and
// listings show the restore's progress, and the errors OSS answers with.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUCKET, complete, initiate, ossRequest, putPart, withMockServer, xmlField } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const restore = (server: MockServer, key: string, body?: string) =>
  ossRequest(server, { method: 'POST', bucket: BUCKET, key, query: { restore: '' }, body, headers: body ? { 'content-type': 'application/xml' } : {} });
const restoreXml = (days: number, tier?: string): string =>
  `<RestoreRequest><Days>${days}</Days>${tier ? `<JobParameters><Tier>${tier}</Tier></JobParameters>` : ''}</RestoreRequest>`;

t.test('storage class is kept from PutObject and InitiateMultipartUpload and shown by HEAD and ListObjects', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 's/ia', body: 'x', headers: { 'x-oss-storage-class': 'IA' } });
  const uploadId = await initiate(server, 's/cold', { 'x-oss-storage-class': 'ColdArchive' });
  const part = await putPart(server, 's/cold', uploadId, 1, Buffer.from('y'));
  await complete(server, 's/cold', uploadId, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 's/ia' })).headers['x-oss-storage-class'], 'IA');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 's/cold' })).headers['x-oss-storage-class'], 'ColdArchive');
  const list = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { prefix: 's/' } });
  t.same([...list.text.matchAll(/<StorageClass>([^<]+)<\/StorageClass>/g)].map((m) => m[1]), ['ColdArchive', 'IA']);
  t.equal(xmlField((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 's/ia' })).text, 'Code'), undefined, 'IA objects are readable');
  const bad = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 's/bad', body: 'x', headers: { 'x-oss-storage-class': 'Glacier' } });
  t.equal(xmlField(bad.text, 'Code'), 'InvalidArgument');
});

t.test('an Archive object: GET refused, restore in progress (202, then 409), readable once restored', async (t) => {
  const server = await withMockServer(t, { restoreDelayMs: 300 });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', body: 'archived', headers: { 'x-oss-storage-class': 'Archive' } });
  const refused = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'a' });
  t.equal(refused.status, 403);
  t.equal(xmlField(refused.text, 'Code'), 'InvalidObjectState');
  t.notOk((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'a' })).headers['x-oss-restore'], 'HEAD works, with no restore yet');

  const started = await restore(server, 'a', restoreXml(2));
  t.equal(started.status, 202, started.text);
  t.notOk(started.headers['x-oss-object-restore-priority'], 'no priority for Archive');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'a' })).headers['x-oss-restore'], 'ongoing-request="true"');
  const list = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { prefix: 'a' } });
  t.equal(xmlField(list.text, 'RestoreInfo'), 'ongoing-request="true"');
  const again = await restore(server, 'a');
  t.equal(again.status, 409);
  t.equal(xmlField(again.text, 'Code'), 'RestoreAlreadyInProgress');
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'a' })).status, 403, 'still archived while the restore runs');

  await sleep(400);
  const restoredHead = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'a' });
  const match = /^ongoing-request="false", expiry-date="([^"]+)"$/.exec(restoredHead.headers['x-oss-restore'] ?? '');
  t.ok(match, `x-oss-restore: ${restoredHead.headers['x-oss-restore']}`);
  const expiry = Date.parse(match?.[1] ?? '');
  t.ok(Math.abs(expiry - (Date.now() + 2 * 86_400_000)) < 60_000, 'expires <Days> days after the restore finished');
  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'a' });
  t.equal(got.status, 200);
  t.equal(got.text, 'archived');
  t.equal((await restore(server, 'a', restoreXml(5))).status, 200, 'restoring a restored object extends it');
});

t.test('cold archives take a tier; the errors', async (t) => {
  const server = await withMockServer(t, { restoreDelayMs: 0 });
  for (const [storageClass, tier] of [['ColdArchive', 'Bulk'], ['DeepColdArchive', 'Expedited']] as const) {
    await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: storageClass, body: 'c', headers: { 'x-oss-storage-class': storageClass } });
    const withTier = await restore(server, storageClass, restoreXml(3, tier));
    t.equal(withTier.status, 202, withTier.text);
    t.equal(withTier.headers['x-oss-object-restore-priority'], tier);
  }
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'cold', body: 'c', headers: { 'x-oss-storage-class': 'ColdArchive' } });
  t.equal((await restore(server, 'cold', restoreXml(1))).headers['x-oss-object-restore-priority'], 'Standard', 'Standard is the default tier');
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'deep', body: 'c', headers: { 'x-oss-storage-class': 'DeepColdArchive' } });
  t.equal(xmlField((await restore(server, 'deep', restoreXml(1, 'Bulk'))).text, 'Code'), 'InvalidArgument', 'DeepColdArchive has no Bulk tier');

  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'arch', body: 'c', headers: { 'x-oss-storage-class': 'Archive' } });
  t.equal(xmlField((await restore(server, 'arch', restoreXml(1, 'Standard'))).text, 'Code'), 'MalformedXML', 'Archive takes no JobParameters');
  t.equal(xmlField((await restore(server, 'arch', restoreXml(8))).text, 'Code'), 'InvalidArgument', 'Archive: at most 7 days');
  t.equal(xmlField((await restore(server, 'arch', '<RestoreRequest><Days>')).text, 'Code'), 'MalformedXML');

  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'std', body: 'c' });
  const standard = await restore(server, 'std');
  t.equal(standard.status, 400);
  t.equal(xmlField(standard.text, 'Code'), 'OperationNotSupported');
  t.equal(xmlField((await restore(server, 'missing')).text, 'Code'), 'NoSuchKey');
});
