// pause() needs a checkpoint to be a pause: without checkpointDir it is refused with a typed error
// and the upload carries on (its JSDoc says so), instead of silently aborting the upload.
import t from 'tap';
import { OssInvalidArgumentError } from '../lib/errors.js';
import { resumableUpload } from '../lib/upload/index.js';
import { BUCKET, PART, uploadFixture, waitFor } from './helpers/upload-fixtures.js';

t.test('pause() without checkpointDir is refused; the upload carries on and completes', async (t) => {
  const fx = await uploadFixture(t);
  const client = fx.client();
  t.teardown(() => client.close());
  const { path, data } = fx.file('no-checkpoint.bin', 4 * PART);
  fx.server.faults.add({ api: 'UploadPart', key: 'no-checkpoint.bin', partNumber: 2, action: { type: 'stall', ms: 300 } });
  const handle = resumableUpload(client, { file: path, key: 'no-checkpoint.bin', partSize: PART, parallel: 1 });
  await waitFor(() => fx.server.faults.pending() === 1 || (fx.server.stats.requests['UploadPart'] ?? 0) >= 2, 'part 2 in flight');
  const refusal = await handle.pause().then(() => undefined, (error: unknown) => error);
  t.type(refusal, OssInvalidArgumentError);
  t.match((refusal as Error).message, /pause\(\) needs checkpointDir.*use cancel\(\)/);
  const result = await handle.done;
  t.equal(result.size, 4 * PART, 'the upload went on to the end');
  t.ok((await fx.server.readObject(BUCKET, 'no-checkpoint.bin')).equals(data));
  t.same(fx.server.listUploads(BUCKET), [], 'nothing left open');
});
