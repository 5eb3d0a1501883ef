// A separate process running one resumable upload, for tests that kill it with SIGKILL.
// It imports the BUILT library (dist/), so run `npx tsc -p tsconfig.json` first (npm test does).
// Prints "progress <bytes>" as parts finish, then "done <result JSON>" or "error <message>".
//
// OSS_RESUMABLE_TEST_HOOK (test-only, lives here and not in the library) makes the process kill
// itself with SIGKILL at an exact point of the checkpoint's life:
//   kill-before-rename:N   the N-th checkpoint write has its temp file written and fsynced, not renamed
//   kill-after-open:N      the N-th checkpoint write has just created its (empty) temp file
//   kill-before-delete     the upload is complete and the checkpoint is about to be deleted
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const env = process.env;
const [hook, countText] = (env.OSS_RESUMABLE_TEST_HOOK ?? '').split(':');
const target = Number(countText ?? '1');
let seen = 0;
const isCheckpointTemp = (path) => String(path).includes('.checkpoint.json.tmp-');
const die = () => process.kill(process.pid, 'SIGKILL');

const { rename, open, unlink } = fs.promises;
if (hook === 'kill-before-rename') {
  fs.promises.rename = async (from, to) => {
    if (isCheckpointTemp(from) && ++seen === target) die();
    return rename(from, to);
  };
} else if (hook === 'kill-after-open') {
  fs.promises.open = async (path, ...rest) => {
    const handle = await open(path, ...rest);
    if (isCheckpointTemp(path) && ++seen === target) die();
    return handle;
  };
} else if (hook === 'kill-before-delete') {
  fs.promises.unlink = async (path) => {
    if (String(path).endsWith('.checkpoint.json')) die();
    return unlink(path);
  };
}
// The library imports these functions by name from node:fs/promises: make the names see the wrappers.
syncBuiltinESMExports();

const { OssClient } = await import('../../dist/client.js');
const { resumableUpload } = await import('../../dist/upload/index.js');

const client = new OssClient({
  endpoint: env.OSS_TEST_ENDPOINT,
  bucket: 'test-bucket',
  credentials: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' },
});
try {
  const result = await resumableUpload(client, {
    file: env.OSS_TEST_FILE,
    key: env.OSS_TEST_KEY,
    checkpointDir: env.OSS_TEST_CHECKPOINT_DIR,
    partSize: Number(env.OSS_TEST_PART_SIZE),
    parallel: Number(env.OSS_TEST_PARALLEL),
    onProgress: (sent) => process.stdout.write(`progress ${sent}\n`),
  });
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
} catch (error) {
  process.stdout.write(`error ${error.name}: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await client.close();
}
