// The CLI as a user runs it: a child process (dist/cli/main.js) against the mock server in
// this process. Help, version, usage errors, and `upload` in its output modes.
import t from 'tap';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { md5OfFileRange } from '../lib/hash/md5.js';
import { writeSampleFile } from '../lib/cli/demo/sample-file.js';
import { runCli } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';

const BUCKET = 'cli-bucket';
const CREDENTIALS = { accessKeyId: 'cli-test-id', accessKeySecret: 'cli-test-secret-value' };

const { server, work, client, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS });
const version = (JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

t.test('--version and --help', async (t) => {
  const v = await runCli(['--version']);
  t.equal(v.code, 0);
  t.equal(v.stdout, `${version}\n`);
  const help = await runCli(['--help']);
  t.equal(help.code, 0);
  for (const command of ['upload', 'uploads', 'abort', 'serve', 'demo']) t.match(help.stdout, `oss-resumable ${command}`);
  t.match(help.stdout, /0 success, 1 failure .*2 usage error .*130 interrupted/s);
  for (const command of ['upload', 'uploads', 'abort', 'demo']) {
    const sub = await runCli([command, '--help']);
    t.equal(sub.code, 0, `${command} --help exits 0`);
    t.match(sub.stdout, `Usage: oss-resumable ${command}`);
  }
  const bare = await runCli([]);
  t.equal(bare.code, 2, 'no command is a usage error');
  t.match(bare.stderr, /Usage:/);
});

t.test('usage errors exit 2 with a clear message and no request sent', async (t) => {
  const before = server.stats.bytesReceived + Object.values(server.stats.requests).reduce((a, b) => a + b, 0);
  const file = join(work, 'usage.bin');
  await writeSampleFile(file, 1000);
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['upload', file], /missing <oss:\/\/bucket\/key>/],
    [['abort', 'oss://bucket', '--upload-id', 'x'], /names no object; write oss:\/\/bucket\/<key>/],
    [['upload', file, 's3://bucket/key'], /not an oss:\/\/ URL/],
    [['upload', file, `oss://${BUCKET}/k`, '--part-size', 'lots'], /--part-size "lots" is not a size/],
    [['upload', file, `oss://${BUCKET}/k`, '--parallel', '0'], /--parallel "0" must be a whole number of at least 1/],
    [['upload', file, `oss://${BUCKET}/k`, '--parallel', '2.5'], /--parallel "2.5" must be a whole number of at least 1/],
    [['upload', file, `oss://${BUCKET}/k`, '--parallel', '257'], /--parallel "257" must be at most 256/],
    [['upload', file, `oss://${BUCKET}/k`, '--part-size', '99KB'], /--part-size "99KB" is 101376 bytes; a part must be from 100KB \(102400 bytes\) to 5GiB/],
    [['upload', file, `oss://${BUCKET}/k`, '--part-size', '5121MiB'], /--part-size "5121MiB" is 5369757696 bytes; a part must be from 100KB/],
    [['upload', file, `oss://${BUCKET}/k`, '--sign-version', 'v9'], /--sign-version "v9" must be v1 or v4/],
    [['upload', file, `oss://${BUCKET}/k`, '--meta', 'novalue'], /--meta "novalue" must look like name=value/],
    [['upload', file, `oss://${BUCKET}/k`, '--callback-var', 'x:a=1'], /--callback-body and --callback-var need --callback URL/],
    [['upload', file, `oss://${BUCKET}/k`, '--no-such-flag'], /Unknown option '--no-such-flag'/],
    [['upload', file, `oss://${BUCKET}/k`], /no credentials; set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET/, { OSS_ENDPOINT: server.url }],
    [['upload', file, `oss://${BUCKET}/k`], /no endpoint; pass --endpoint or set OSS_ENDPOINT/, { ...env, OSS_ENDPOINT: '' }],
    [['uploads', `oss://${BUCKET}`, '--abort'], /--abort needs --older-than/],
    [['uploads', `oss://${BUCKET}`, '--older-than', '24'], /--older-than "24" is not a duration/],
    [['abort', `oss://${BUCKET}/k`], /--upload-id is required/],
    [['demo', '--size', '100KB'], /the demo needs at least 3/],
  ];
  for (const [args, message, caseEnv] of cases) {
    const result = await runCli(args, { env: caseEnv ?? env });
    t.equal(result.code, 2, `${args.join(' ')} exits 2`);
    t.match(result.stderr, message);
    t.match(result.stderr, /Run 'oss-resumable .*--help' for usage\./);
    t.equal(result.stdout, '', 'nothing on stdout');
  }
  const after = server.stats.bytesReceived + Object.values(server.stats.requests).reduce((a, b) => a + b, 0);
  t.equal(after, before, 'the server saw no request');
});

t.test('upload --json prints exactly one result object; the object is the file', async (t) => {
  const file = join(work, 'json.bin');
  const size = 700 * 1024 + 123;
  await writeSampleFile(file, size, 7);
  const local = await md5OfFileRange(file, 0, size, undefined, { crc64: true });
  const result = await runCli(
    ['upload', file, `oss://${BUCKET}/dir/json.bin`, '--json', '--part-size', '200KiB', '--parallel', '2', '--checkpoint-dir', join(work, 'cp'), '--meta', 'origin=cli-test', '--content-type', 'text/plain'],
    { env },
  );
  t.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.equal(lines.length, 1, 'one line of JSON');
  const json = JSON.parse(lines[0]!);
  t.same(Object.keys(json).sort(), ['bucket', 'bytesSent', 'crc64', 'etag', 'key', 'partsReused', 'retries', 'seconds', 'sendSeconds', 'size', 'uploadId'].sort());
  t.equal(json.bucket, BUCKET);
  t.equal(json.retries, 0, 'no request needed a retry');
  t.equal(json.key, 'dir/json.bin');
  t.equal(json.size, size);
  t.equal(json.crc64, local.crc64);
  t.equal(json.partsReused, 0);
  t.equal(json.bytesSent, size);
  t.match(json.etag, /^"[0-9A-F]{32}-4"$/, 'a 4-part multipart ETag');
  t.match(json.uploadId, /^[0-9A-F]+$/);
  t.type(json.seconds, 'number');
  t.ok(json.sendSeconds <= json.seconds, 'the send time is part of the total');
  t.same(await server.readObject(BUCKET, 'dir/json.bin'), await readFile(file));
  const head = await client.headObject({ key: 'dir/json.bin' });
  t.equal(head.meta['origin'], 'cli-test');
  t.equal(head.contentType, 'text/plain');
  t.notMatch(result.stderr, /\x1b|\r/, 'no control characters when stderr is not a terminal');
});

t.test('upload in human mode, and a service error with its request id; secrets never printed', async (t) => {
  const file = join(work, 'human.bin');
  await writeSampleFile(file, 5000, 9);
  const ok = await runCli(['upload', file, `oss://${BUCKET}/human.bin`, '--checkpoint-dir', join(work, 'cp')], { env });
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^uploaded .*human\.bin to oss:\/\/cli-bucket\/human\.bin\n/);
  t.same(await server.readObject(BUCKET, 'human.bin'), await readFile(file));

  const bad = await runCli(['upload', file, 'oss://no-such-bucket/x.bin', '--checkpoint-dir', join(work, 'cp')], { env });
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^error: .*OSS 404 NoSuchBucket: .*\(request id [0-9A-F]+\)/m);

  const denied = await runCli(['uploads', `oss://${BUCKET}`], { env: { ...env, OSS_ACCESS_KEY_SECRET: 'a-wrong-secret-value' } });
  t.equal(denied.code, 1);
  t.match(denied.stderr, /SignatureDoesNotMatch/);
  t.notMatch(denied.stderr + denied.stdout, /a-wrong-secret-value/, 'the secret is not echoed');
});

t.test('a missing file, a directory or an unreadable file: the engine\'s typed message, exit 1, nothing sent', async (t) => {
  const requestsBefore = Object.values(server.stats.requests).reduce((a, b) => a + b, 0);
  const unreadable = join(work, 'unreadable.bin');
  await writeSampleFile(unreadable, 1000);
  await chmod(unreadable, 0o000);
  const missing = join(work, 'nope.bin');
  // The engine's messages, naming the file and what to do.
  const cases: Array<[string, string, string]> = [
    ['missing', missing, `Invalid file: ${missing} does not exist; check the path of the file to upload`],
    ['a directory', work, `Invalid file: ${work} is a directory, not a regular file; give the path of a regular file`],
  ];
  // root reads any file whatever its mode, so only an ordinary user can see this case.
  if (process.getuid?.() !== 0) cases.push(['unreadable', unreadable, `Invalid file: ${unreadable} is not readable (EACCES); check its permissions`]);
  for (const [what, file, message] of cases) {
    const human = await runCli(['upload', file, `oss://${BUCKET}/bad-input.bin`, '--checkpoint-dir', join(work, 'cp')], { env });
    t.equal(human.code, 1, `${what}: exits 1`);
    t.equal(human.stderr, `error: ${message}\n`, `${what}: the engine's message, nothing else`);
    const json = await runCli(['upload', file, `oss://${BUCKET}/bad-input.bin`, '--json', '--checkpoint-dir', join(work, 'cp')], { env });
    t.equal(json.code, 1);
    t.same(JSON.parse(json.stdout), { error: { name: 'OssInvalidArgumentError', message } }, `${what}: typed in --json`);
  }
  t.equal(Object.values(server.stats.requests).reduce((a, b) => a + b, 0), requestsBefore, 'the server saw no request');
});
