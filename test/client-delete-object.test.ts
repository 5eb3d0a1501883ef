// OssClient.deleteObject against the mock server: the object goes, its neighbours stay, a key
// with no object is not an error (OSS answers 204 either way), and bad input fails before a request.
import t from 'tap';
import { OssClient } from '../lib/client.js';
import { OssInvalidArgumentError, OssServiceError } from '../lib/errors.js';
import { startMockServer, DEFAULT_MOCK_CREDENTIALS } from '../lib/mock-server/index.js';

const BUCKET = 'delete-bucket';

t.test('deleteObject removes exactly the named object', async (t) => {
  const server = await startMockServer({ buckets: [BUCKET] });
  const client = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: DEFAULT_MOCK_CREDENTIALS });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  await client.putObject({ key: 'dir/a.bin', body: Buffer.from('first') });
  await client.putObject({ key: 'dir/a.bin.keep', body: Buffer.from('neighbour') });

  const deleted = await client.deleteObject({ key: 'dir/a.bin' });
  t.match(deleted.requestId, /^[0-9A-F]{24}$/, 'the request id of the answer');
  t.equal(server.stats.requests['DeleteObject'], 1);
  const gone = await client.headObject({ key: 'dir/a.bin' }).catch((error: unknown) => error);
  t.ok(gone instanceof OssServiceError && gone.status === 404, 'the object is gone');
  t.equal((await server.readObject(BUCKET, 'dir/a.bin.keep')).toString(), 'neighbour', 'a key sharing its prefix is untouched');

  // Deleting again, or a key that never existed, is what OSS answers 204 to as well.
  await t.resolves(client.deleteObject({ key: 'dir/a.bin' }));
  await t.resolves(client.deleteObject({ key: 'never/written.bin' }));

  const noSuchBucket = await client.deleteObject({ bucket: 'no-such-bucket', key: 'x' }).catch((error: unknown) => error);
  t.ok(noSuchBucket instanceof OssServiceError && noSuchBucket.code === 'NoSuchBucket', 'a missing bucket is a service error');

  const before = server.stats.requests['DeleteObject'];
  await t.rejects(client.deleteObject({ key: '' }), OssInvalidArgumentError, 'an empty key is refused');
  await t.rejects(client.deleteObject({ key: '/leading-slash' }), OssInvalidArgumentError);
  t.equal(server.stats.requests['DeleteObject'], before, 'refused before any request');
});
