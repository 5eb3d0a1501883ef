// The method form, `client.resumableUpload({...})`, as the README shows it: the client's own
// bucket, awaited directly or through `done`, with the same result as the free function.
import t from 'tap';
import { BUCKET, PART, uploadFixture } from './helpers/upload-fixtures.js';

const fx = await uploadFixture(t);
const client = fx.client();

t.test('client.resumableUpload uploads to the client\'s bucket; the object is byte-identical', async (t) => {
  const { path, data } = fx.file('method.bin', 3 * PART + 777, 21);
  const progress: number[] = [];
  const result = await client.resumableUpload({ file: path, key: 'method/multipart.bin', partSize: PART, parallel: 2, checkpointDir: fx.checkpointDir, onProgress: (sent) => progress.push(sent) });
  t.match(result, { bucket: BUCKET, key: 'method/multipart.bin', size: data.length, etag: /-4"$/, uploadId: /^[0-9A-F]+$/, partsReused: 0, bytesSent: data.length });
  t.ok((await fx.server.readObject(BUCKET, 'method/multipart.bin')).equals(data), 'multipart: identical');
  t.equal(progress.at(-1), data.length, 'progress ends at the total');

  const handle = client.resumableUpload({ file: path, key: 'method/single.bin' });
  const single = await handle.done;
  t.equal(single.uploadId, undefined, 'a file that fits in one part: one PutObject');
  t.ok((await fx.server.readObject(BUCKET, 'method/single.bin')).equals(data), 'single PUT: identical');
});

t.test('client.resumableUpload: pause() keeps the upload, the same call resumes it', async (t) => {
  const { path, data } = fx.file('method-pause.bin', 6 * PART, 22);
  const options = { file: path, key: 'method/paused.bin', partSize: PART, parallel: 1, checkpointDir: fx.checkpointDir };
  const handle = client.resumableUpload({
    ...options,
    onProgress: (sent) => {
      if (sent >= 2 * PART) void handle.pause();
    },
  });
  await t.rejects(handle.done, { name: 'OssCancelledError' });
  t.equal(fx.server.listUploads(BUCKET).length, 1, 'the upload is kept');
  const resumed = await client.resumableUpload(options);
  t.ok(resumed.partsReused >= 1, 'parts already sent are reused');
  t.ok((await fx.server.readObject(BUCKET, 'method/paused.bin')).equals(data));
  t.same(fx.server.listUploads(BUCKET), []);
});
