// The CLI as a user runs it: a child process (dist/cli/main.js) against the mock server in
// this process. `upload` options that change what is sent or printed: --header,
// --force-multipart, --quiet, --local-crc64, --sign-version/--region.
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { writeSampleFile } from '../lib/cli/demo/sample-file.js';
import { checkpointPaths } from '../lib/upload/checkpoint-name.js';
import { runCli } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';
import { crcRewritingProxy, isPart } from './helpers/rewriting-proxy.js';

const BUCKET = 'cli-options-bucket';
const CREDENTIALS = { accessKeyId: 'cli-test-id', accessKeySecret: 'cli-test-secret-value' };
// The mock insists on this V4 scope region, so a V4 request signed for another region fails.
const REGION = 'cn-hangzhou';

const { server, work, client, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS, region: REGION });
const checkpointDir = join(work, 'cp');

let files = 0;
/** A seeded file of `size` bytes in the work dir. */
async function sampleFile(size: number): Promise<string> {
  const path = join(work, `sample-${++files}.bin`);
  await writeSampleFile(path, size, files);
  return path;
}

t.test('--header: the headers land on the object, for a single PUT and a multipart upload', async (t) => {
  const disposition = 'attachment; filename="report.bin"';
  for (const [what, size] of [['single PUT', 150 * 1024], ['multipart', 350 * 1024]] as const) {
    const key = `headers/${what.replace(' ', '-')}.bin`;
    const file = await sampleFile(size);
    const result = await runCli(
      ['upload', file, `oss://${BUCKET}/${key}`, '--part-size', '100KB', '--checkpoint-dir', checkpointDir, '--header', `Content-Disposition:${disposition}`, '--header', 'Cache-Control: max-age=60'],
      { env },
    );
    t.equal(result.code, 0, result.stderr);
    const head = await client.headObject({ key });
    t.equal(head.headers['content-disposition'], disposition, `${what}: Content-Disposition (a value with ':' kept whole)`);
    t.equal(head.headers['cache-control'], 'max-age=60', `${what}: Cache-Control, trimmed`);
  }
});

t.test('--force-multipart: a file small enough for one PUT goes as a one-part multipart upload', async (t) => {
  const file = await sampleFile(200 * 1024);
  const plain = await runCli(['upload', file, `oss://${BUCKET}/small-put.bin`, '--json', '--checkpoint-dir', checkpointDir], { env });
  t.equal(plain.code, 0, plain.stderr);
  t.match(JSON.parse(plain.stdout), { etag: /^"[0-9A-F]{32}"$/, uploadId: null }, 'without it: one PutObject');

  const forced = await runCli(['upload', file, `oss://${BUCKET}/small-multipart.bin`, '--json', '--force-multipart', '--checkpoint-dir', checkpointDir], { env });
  t.equal(forced.code, 0, forced.stderr);
  t.match(JSON.parse(forced.stdout), { etag: /^"[0-9A-F]{32}-1"$/, uploadId: /^[0-9A-F]+$/ }, 'with it: a multipart ETag of one part');
  const head = await client.headObject({ key: 'small-multipart.bin' });
  t.equal(head.headers['x-oss-object-type'], 'Multipart');
  t.same(await server.readObject(BUCKET, 'small-multipart.bin'), await readFile(file));
});

t.test('--quiet: nothing on stdout or stderr on success, not even the notes a run would print', async (t) => {
  const file = await sampleFile(300 * 1024);
  const key = 'quiet.bin';
  const args = ['upload', file, `oss://${BUCKET}/${key}`, '--part-size', '100KB', '--checkpoint-dir', checkpointDir];
  // A damaged checkpoint makes the engine say it is not resuming from it.
  const damageCheckpoint = () => writeFile(checkpointPaths(checkpointDir, { endpoint: client.endpoint, bucket: BUCKET, key, filePath: file }).checkpoint, 'damaged');

  await damageCheckpoint();
  const loud = await runCli(args, { env });
  t.equal(loud.code, 0, loud.stderr);
  t.match(loud.stderr, /Not resuming from checkpoint .*not valid JSON/, 'without --quiet: the note');
  t.match(loud.stdout, /^uploaded /, 'without --quiet: the result');

  await damageCheckpoint();
  const quiet = await runCli([...args, '--quiet'], { env });
  t.equal(quiet.code, 0, quiet.stderr);
  t.equal(quiet.stdout, '', 'no result text');
  t.equal(quiet.stderr, '', 'no note, no progress');

  await damageCheckpoint();
  const quietJson = await runCli([...args, '--quiet', '--json'], { env });
  t.equal(quietJson.code, 0, quietJson.stderr);
  t.equal(quietJson.stderr, '');
  t.match(JSON.parse(quietJson.stdout), { key, size: 300 * 1024 }, 'with --json: just the one JSON object');
  t.same(await server.readObject(BUCKET, key), await readFile(file));
});

t.test('--local-crc64: the result carries the file\'s CRC-64; a part CRC the server misreports is caught before Complete', async (t) => {
  const size = 350 * 1024 + 17;
  const file = await sampleFile(size);
  const crc64 = crcHexToDecimal(await crc64Hex(await readFile(file)));
  const args = (key: string) => ['upload', file, `oss://${BUCKET}/${key}`, '--json', '--local-crc64', '--part-size', '100KB', '--checkpoint-dir', checkpointDir];

  const ok = await runCli(args('local-crc.bin'), { env });
  t.equal(ok.code, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout), { size, crc64 });
  t.same(await server.readObject(BUCKET, 'local-crc.bin'), await readFile(file));

  // Only the local CRC can show part 2's reported CRC is wrong before Complete; without the
  // flag the mismatch would surface after it, against the object's CRC.
  const proxy = await crcRewritingProxy(t, server.url, isPart(2));
  server.stats.reset();
  const caught = await runCli(args('local-crc-misreported.bin'), { env: { ...env, OSS_ENDPOINT: proxy } });
  t.equal(caught.code, 1);
  t.match(JSON.parse(caught.stdout), { error: { name: 'OssChecksumError', message: /part 2 CRC-64/ } });
  t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0, 'never completed');
});

t.test('--sign-version v4 --region: signed with V4 for that region', async (t) => {
  const file = await sampleFile(250 * 1024);
  const upload = (key: string, ...flags: string[]) => runCli(['upload', file, `oss://${BUCKET}/${key}`, '--part-size', '100KB', '--checkpoint-dir', checkpointDir, ...flags], { env });

  const v4 = await upload('v4.bin', '--sign-version', 'v4', '--region', REGION);
  t.equal(v4.code, 0, v4.stderr);
  t.same(await server.readObject(BUCKET, 'v4.bin'), await readFile(file));

  // The mock checks the V4 scope region, which V1 does not carry: these two show the flags are
  // what chose the signature and its region.
  const wrongRegion = await upload('v4-wrong-region.bin', '--sign-version', 'v4', '--region', 'cn-beijing');
  t.equal(wrongRegion.code, 1);
  t.match(wrongRegion.stderr, /AccessDenied: .*credential scope region cn-beijing is wrong/);
  const v1 = await upload('v1.bin', '--sign-version', 'v1', '--region', 'cn-beijing');
  t.equal(v1.code, 0, v1.stderr);
});

t.test('--resume-check: identity and content are accepted, anything else is a usage error', async (t) => {
  const file = await sampleFile(120 * 1024);
  const bad = await runCli(['upload', file, `oss://${BUCKET}/resume-check.bin`, '--resume-check', 'trust', '--checkpoint-dir', checkpointDir], { env });
  t.equal(bad.code, 2, bad.stderr);
  t.match(bad.stderr, /--resume-check "trust": use content .* or identity/);
  const ok = await runCli(['upload', file, `oss://${BUCKET}/resume-check.bin`, '--resume-check', 'identity', '--json', '--checkpoint-dir', checkpointDir], { env });
  t.equal(ok.code, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout), { key: 'resume-check.bin', size: 120 * 1024 });
});

t.test('--parallel 256 is refused before any request when --max-memory does not allow its read windows', async (t) => {
  const file = join(work, 'sparse-2GiB.bin');
  const { truncate } = await import('node:fs/promises');
  await writeFile(file, '');
  await truncate(file, 2 * 1024 ** 3); // sparse: nothing is read before the refusal
  server.stats.reset();
  const refused = await runCli(['upload', file, `oss://${BUCKET}/huge.bin`, '--parallel', '256', '--part-size', '8MiB', '--max-memory', '100MiB', '--checkpoint-dir', checkpointDir], { env });
  t.equal(refused.code, 1, refused.stderr);
  // Two 1 MiB windows for each of the 256 parts in flight, one for each of the 4 hashed ahead.
  t.match(refused.stderr, /256 parts in flight .* would hold 516 MiB of read buffers .*, more than the 100 MiB allowed \(maxMemory; --max-memory in the CLI\)/);
  t.same(server.stats.requests, {}, 'nothing was sent');
});
