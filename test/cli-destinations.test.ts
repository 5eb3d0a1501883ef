// What an ossutil user types: directory and bucket destinations, usage errors (exit 2) for every
// bad argument found before a request, Chinese metadata, and the messages for endpoint mistakes.
import t from 'tap';
import { join } from 'node:path';
import { writeSampleFile } from '../lib/cli/demo/sample-file.js';
import { runCli } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';

const BUCKET = 'dest-bucket';
const CREDENTIALS = { accessKeyId: 'dest-test-id', accessKeySecret: 'dest-test-secret' };

const { server, work, client, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS, workPrefix: 'oss-resumable-cli-dest-' });

function requestCount(): number {
  return Object.values(server.stats.requests).reduce((a, b) => a + b, 0);
}

t.test('oss://bkt/dir/ stores dir/<basename>; oss://bkt and oss://bkt/ store <basename> at the root', async (t) => {
  const file = join(work, 'mid.bin');
  await writeSampleFile(file, 5000, 1);
  for (const [url, key] of [
    [`oss://${BUCKET}/dir/`, 'dir/mid.bin'],
    [`oss://${BUCKET}/a/b/`, 'a/b/mid.bin'],
    [`oss://${BUCKET}/`, 'mid.bin'],
    [`oss://${BUCKET}`, 'mid.bin'],
  ] as const) {
    const result = await runCli(['upload', file, url, '--json'], { env });
    t.equal(result.code, 0, `${url}: ${result.stderr}`);
    t.equal(JSON.parse(result.stdout).key, key, `${url} → ${key}`);
    t.equal((await client.headObject({ key })).size, 5000);
  }
  await t.rejects(client.headObject({ key: 'dir/' }), { name: 'OssServiceError', status: 404 });
});

t.test('every bad argument found before a request is a usage error (exit 2); a missing file stays 1', async (t) => {
  const file = join(work, 'usage.bin');
  await writeSampleFile(file, 1000, 2);
  const before = requestCount();
  const cases: Array<[string[], RegExp]> = [
    [['upload', file, `oss://${BUCKET}//abs/k`], /Invalid key: "\/abs\/k" starts with '\/'/],
    [['upload', file, 'oss://BKT/k'], /Invalid bucket: "BKT" is not a valid bucket name/],
    [['abort', 'oss://BKT/k', '--upload-id', 'x'], /Invalid bucket: "BKT"/],
    [['uploads', 'oss://b_b'], /Invalid bucket: "b_b"/],
    [['upload', file, `oss://${BUCKET}/k`, '--meta', 'a=line\nbreak'], /Invalid meta: the value of "a" must be a string without control characters/],
    [['upload', file, `oss://${BUCKET}/k`, '--header', 'Content-Disposition:a\rb'], /Invalid header: the value of "Content-Disposition"/],
    [['upload', file, `oss://${BUCKET}/k`, '--header', 'bad name:v'], /Invalid header: "bad name" is not a valid header name/],
    [['upload', file, `oss://${BUCKET}/k`, '--paralel', '2'], /Unknown option '--paralel'; did you mean --parallel\?/],
    [['upload', file, `oss://${BUCKET}/k`, '--part-sise', '1MiB'], /did you mean --part-size\?/],
    [['uploads', `oss://${BUCKET}`, '--older-then', '1h'], /did you mean --older-than\?/],
    [['upload', file, `oss://${BUCKET}/k`, '--endpoint', 'http://exa mple.com'], /Invalid endpoint: "http:\/\/exa mple.com" is not a URL/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { env });
    t.equal(result.code, 2, `${JSON.stringify(args.slice(2))} exits 2`);
    t.match(result.stderr, message);
    t.match(result.stderr, /Run 'oss-resumable .*--help' for usage\./);
  }
  const unknown = await runCli(['upload', file, `oss://${BUCKET}/k`, '--frobnicate'], { env });
  t.notMatch(unknown.stderr, /did you mean/, 'no suggestion when nothing is close');
  t.equal(requestCount(), before, 'the server saw no request');

  const missing = await runCli(['upload', join(work, 'nope.bin'), `oss://${BUCKET}/k`], { env });
  t.equal(missing.code, 1, 'a missing file is a failure found by trying, exit 1');
  t.match(missing.stderr, /nope\.bin/);
});

t.test('--meta and --header with Chinese text: stored as UTF-8, read back as sent', async (t) => {
  const file = join(work, 'report.bin');
  await writeSampleFile(file, 3000, 3);
  const result = await runCli(['upload', file, `oss://${BUCKET}/报告.bin`, '--meta', 'a=阿达的', '--header', 'Content-Disposition:attachment; filename="报告.pdf"'], { env });
  t.equal(result.code, 0, result.stderr);
  const head = await client.headObject({ key: '报告.bin' });
  t.equal(head.meta['a'], '阿达的');
  t.equal(Buffer.from(head.headers['content-disposition']!, 'latin1').toString('utf8'), 'attachment; filename="报告.pdf"');
});

t.test('endpoint mistakes: https against plain HTTP, and a bucket in front of an IP', async (t) => {
  const file = join(work, 'tls.bin');
  await writeSampleFile(file, 1000, 4);
  const port = new URL(server.url).port;
  for (const endpoint of [`https://127.0.0.1:${port}`, `127.0.0.1:${port}`]) {
    const result = await runCli(['upload', file, `oss://${BUCKET}/tls.bin`, '--endpoint', endpoint], { env, timeoutMs: 20_000 });
    t.equal(result.code, 1, `${endpoint}: a failure found by the request`);
    t.match(result.stderr, `the server at https://127.0.0.1:${port} does not speak TLS; use http://127.0.0.1:${port}`);
    t.notMatch(result.stderr, /ssl3_|ERR_SSL|safe to retry/, 'no OpenSSL internals, no advice to retry');
  }
  const virtual = await runCli(['upload', file, `oss://${BUCKET}/tls.bin`, '--endpoint', `http://${BUCKET}.127.0.0.1:${port}`], { env });
  t.equal(virtual.code, 2);
  t.match(virtual.stderr, `puts the bucket "${BUCKET}" in front of the IP address 127.0.0.1`);
  t.match(virtual.stderr, `use the endpoint http://127.0.0.1:${port}`);
  t.notMatch(virtual.stderr, /is not a URL/);
});
