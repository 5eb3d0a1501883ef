// Memory follows useful work: a part in flight holds a buffer, so workers never outnumber the
// client's connections, and parallel × part size over the maxMemory budget is refused before any
// request (a mistyped --parallel cannot take gigabytes).
import t from 'tap';
import { OssInvalidArgumentError } from '../lib/errors.js';
import { DEFAULT_MAX_MEMORY, resumableUpload } from '../lib/upload/index.js';
import { BUCKET, PART, uploadFixture } from './helpers/upload-fixtures.js';

t.test('parallel bounds', async (t) => {
  const fx = await uploadFixture(t);
  const { server } = fx;
  const requests = () => Object.values(server.stats.requests).reduce((sum, n) => sum + n, 0);

  t.test('parallel above the client\'s connections: capped, said, and never more parts at once than connections', async (t) => {
    const client = fx.client({ connections: 2 });
    const { path, data } = fx.file('capped.bin', 12 * PART);
    // Every part waits 150 ms on the server, so parts in flight overlap and can be counted.
    server.faults.add({ api: 'UploadPart', key: 'capped.bin', times: Infinity, action: { type: 'stall', ms: 150 } });
    const notes: string[] = [];
    await resumableUpload(client, { file: path, key: 'capped.bin', partSize: PART, parallel: 8, onNote: (n) => notes.push(n) });
    t.match(notes.join('\n'), /parallel 8 is more than the client's 2 connections; sending 2 parts at once/);
    t.equal(server.stats.peakInFlight['UploadPart'], 2, 'two parts at once, as many as connections');
    t.ok((await server.readObject(BUCKET, 'capped.bin')).equals(data));
  });

  t.test('parallel × part size over maxMemory is refused before any request; a raised limit allows it', async (t) => {
    const client = fx.client({ connections: 32 });
    const { path, data } = fx.file('budget.bin', 20 * PART);
    server.stats.reset();
    const err = await resumableUpload(client, { file: path, key: 'budget.bin', partSize: PART, parallel: 20, maxMemory: 1024 * 1024 }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /20 parts of 0\.1 MiB in flight would hold 2 MiB of part buffers, more than the 1 MiB allowed \(maxMemory; --max-memory in the CLI\)/);
    t.equal(requests(), 0, 'nothing was sent');
    await resumableUpload(client, { file: path, key: 'budget.bin', partSize: PART, parallel: 20, maxMemory: 4 * 1024 * 1024 });
    t.ok((await server.readObject(BUCKET, 'budget.bin')).equals(data));
    t.equal(DEFAULT_MAX_MEMORY, 1024 ** 3);
  });

  t.test('the budget counts only the parts there are: a small file with a large parallel is fine', async (t) => {
    const client = fx.client({ connections: 256 });
    const { path } = fx.file('few.bin', 3 * PART);
    await resumableUpload(client, { file: path, key: 'few.bin', partSize: PART, parallel: 256, maxMemory: 4 * PART, forceMultipart: true });
    t.equal(server.stats.requests['UploadPart'], 3);
    t.ok(server.stats.peakInFlight['UploadPart']! <= 3, 'never more in flight than parts');
  });

  t.test('an invalid maxMemory is refused', async (t) => {
    const client = fx.client();
    const { path } = fx.file('bad-budget.bin', PART);
    await t.rejects(resumableUpload(client, { file: path, key: 'bad-budget.bin', maxMemory: 0 }).done, { name: 'OssInvalidArgumentError', message: /maxMemory/ });
  });
});
