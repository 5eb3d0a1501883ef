// Memory follows useful work: workers never outnumber the client's connections, and the read
// buffers of an upload (two windows per part in flight and one per part hashed ahead, each the
// smaller of 1 MiB and the part size) over the maxMemory budget are refused before any request
// (a mistyped --parallel cannot take gigabytes).
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

  t.test('buffers over maxMemory are refused before any request; exactly the budget is enough', async (t) => {
    const client = fx.client({ connections: 32 });
    const { path, data } = fx.file('budget.bin', 20 * PART);
    // 20 senders with two windows of a part each, and 4 parts hashed ahead with one each.
    const needed = (2 * 20 + 4) * PART;
    server.stats.reset();
    const err = await resumableUpload(client, { file: path, key: 'budget.bin', partSize: PART, parallel: 20, maxMemory: needed - 1 }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /20 parts in flight .* would hold 4\.3 MiB of read buffers \(the senders' and the 4 parts hashed ahead\), more than the 4\.3 MiB allowed \(maxMemory; --max-memory in the CLI\)/);
    t.equal(requests(), 0, 'nothing was sent');
    await resumableUpload(client, { file: path, key: 'budget.bin', partSize: PART, parallel: 20, maxMemory: needed });
    t.ok((await server.readObject(BUCKET, 'budget.bin')).equals(data));
    t.equal(DEFAULT_MAX_MEMORY, 1024 ** 3);
  });

  t.test('the windows are 1 MiB at most, whatever the part size', async (t) => {
    const client = fx.client();
    const MiB = 1024 * 1024;
    const { path, data } = fx.file('big-parts.bin', 2 * 5 * MiB);
    // 2 senders with two 1 MiB windows each and 2 parts hashed ahead with one: 6 MiB for parts of 5 MiB.
    const options = { file: path, key: 'big-parts.bin', partSize: 5 * MiB, parallel: 2 };
    await t.rejects(resumableUpload(client, { ...options, maxMemory: 6 * MiB - 1 }).done, { name: 'OssInvalidArgumentError', message: /would hold 6 MiB of read buffers/ });
    await resumableUpload(client, { ...options, maxMemory: 6 * MiB });
    t.ok((await server.readObject(BUCKET, 'big-parts.bin')).equals(data));
  });

  t.test('the budget counts only the parts there are: a small file with a large parallel is fine', async (t) => {
    const client = fx.client({ connections: 256 });
    const { path } = fx.file('few.bin', 3 * PART);
    // 3 senders with two windows of a part each, and 3 parts hashed ahead with one each.
    await resumableUpload(client, { file: path, key: 'few.bin', partSize: PART, parallel: 256, maxMemory: (2 * 3 + 3) * PART, forceMultipart: true });
    t.equal(server.stats.requests['UploadPart'], 3);
    t.ok(server.stats.peakInFlight['UploadPart']! <= 3, 'never more in flight than parts');
  });

  t.test('the default parallelism grows to 8 when the first request shows a long round trip; a given parallel, connections and maxMemory bound it', async (t) => {
    const client = fx.client();
    const { path, data } = fx.file('long-link.bin', 16 * PART);
    const upload = async (options: { parallel?: number; maxMemory?: number }, initiateMs: number | undefined) => {
      server.stats.reset();
      server.faults.clear();
      if (initiateMs !== undefined) server.faults.add({ api: 'InitiateMultipartUpload', key: 'long-link.bin', action: { type: 'stall', ms: initiateMs } });
      // Every part waits on the server, so the parts in flight overlap and can be counted.
      server.faults.add({ api: 'UploadPart', key: 'long-link.bin', times: Infinity, action: { type: 'stall', ms: 100 } });
      const notes: string[] = [];
      await resumableUpload(client, { file: path, key: 'long-link.bin', partSize: PART, ...options, onNote: (n) => notes.push(n) });
      t.ok((await server.readObject(BUCKET, 'long-link.bin')).equals(data));
      return { peak: server.stats.peakInFlight['UploadPart'], notes: notes.join('\n') };
    };
    const fast = await upload({}, undefined);
    t.equal(fast.peak, 4, 'a quick first request: the default 4');
    t.notMatch(fast.notes, /long round trip/);
    const slow = await upload({}, 150);
    t.equal(slow.peak, 8, 'a first request of 150 ms: 8');
    t.match(slow.notes, /The first request took \d+ ms, a long round trip: sending 8 parts at once instead of 4/);
    t.equal((await upload({ parallel: 4 }, 150)).peak, 4, 'parallel given: kept');
    // 6 senders with two windows of a part each, and 4 parts hashed ahead with one each.
    t.equal((await upload({ maxMemory: (2 * 6 + 4) * PART }, 150)).peak, 6, 'as many as maxMemory allows');
    const fewConnections = fx.client({ connections: 5 });
    server.faults.add({ api: 'InitiateMultipartUpload', key: 'long-link.bin', action: { type: 'stall', ms: 150 } });
    server.stats.reset();
    await resumableUpload(fewConnections, { file: path, key: 'long-link.bin', partSize: PART });
    t.equal(server.stats.peakInFlight['UploadPart'], 5, 'as many as the connections allow');
  });

  t.test('an invalid maxMemory is refused', async (t) => {
    const client = fx.client();
    const { path } = fx.file('bad-budget.bin', PART);
    await t.rejects(resumableUpload(client, { file: path, key: 'bad-budget.bin', maxMemory: 0 }).done, { name: 'OssInvalidArgumentError', message: /maxMemory/ });
  });
});
