// `oss-resumable bench` as a user runs it, against the mock server with a response latency: a
// 2 × 2 sweep with --json and --csv, what it leaves on the server (nothing of its own, everything
// else untouched), Ctrl-C in the middle, --local, `bench compare`, and usage errors.
import t, { type Test } from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OssClient } from '../lib/client.js';
import { startMockServer, type MockServer } from '../lib/mock-server/index.js';
import { runCli, waitFor } from './helpers/cli-child.js';
import { ossRequest, xmlFields } from './mock-server-helpers.js';

const BUCKET = 'bench-bucket';
const CREDENTIALS = { accessKeyId: 'bench-key-id', accessKeySecret: 'bench-key-secret' };
const LATENCY_MS = 15;
const MiB = 1024 * 1024;
/** A 2 × 2 sweep small enough for the suite: 2 MiB uploads of 512 KiB or 1 MiB parts, 2 runs each. */
const SWEEP = ['--size', '2MiB', '--part-size', '512KiB,1MiB', '--parallel', '1,2', '--runs', '2'];

let server: MockServer;
let client: OssClient;
let work: string;
let env: Record<string, string>;

t.before(async () => {
  server = await startMockServer({ buckets: [BUCKET], credentials: [CREDENTIALS], latencyMs: LATENCY_MS });
  client = new OssClient({ endpoint: server.url, credentials: CREDENTIALS, bucket: BUCKET });
  work = await mkdtemp(join(tmpdir(), 'oss-resumable-bench-'));
  env = { OSS_ENDPOINT: server.url, OSS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, OSS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret, HOME: work };
  // What the bench must leave alone: an object outside its prefix, one inside the prefix it was
  // given (but not under its own run prefix), and someone else's upload in progress there.
  await client.putObject({ key: 'elsewhere/keep.bin', body: Buffer.from('outside') });
  await client.putObject({ key: 'perf/neighbour.bin', body: Buffer.from('inside the prefix') });
  await client.initiateMultipartUpload({ key: 'perf/someone-elses-upload.bin' });
});
t.teardown(async () => {
  await client.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function objectKeys(prefix = ''): Promise<string[]> {
  const listing = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { prefix, 'max-keys': '1000' }, creds: CREDENTIALS });
  return xmlFields(listing.text, 'Key');
}

/** Nothing of the bench's is left, and what was there before is untouched. */
async function checkServerClean(t: Test, runPrefix: string): Promise<void> {
  t.same(await objectKeys(runPrefix), [], 'no object is left under the bench prefix');
  t.same(
    server.listUploads(BUCKET).map((u) => u.key),
    ['perf/someone-elses-upload.bin'],
    "no upload of the bench's is left; the other upload is not aborted",
  );
  t.equal((await server.readObject(BUCKET, 'elsewhere/keep.bin')).toString(), 'outside', 'the object outside the prefix is untouched');
  t.equal((await server.readObject(BUCKET, 'perf/neighbour.bin')).toString(), 'inside the prefix', 'the object in the prefix but not the bench’s is untouched');
}

t.test('a 2 × 2 sweep with --json and --csv', async (t) => {
  const csvPath = join(work, 'requests.csv');
  const before = { ...server.stats.requests };
  const result = await runCli(['bench', `oss://${BUCKET}/perf`, ...SWEEP, '--json', '--csv', csvPath], { env, timeoutMs: 90_000 });
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.equal(result.stdout.trim().split('\n').length, 1, 'exactly one JSON document on stdout');

  t.match(report, { tool: 'oss-resumable bench', bucket: BUCKET, size: 2 * MiB, runsPerConfiguration: 2, interrupted: false, error: null, data: 'generated' });
  t.match(report.prefix, /^perf\/oss-resumable-bench-\d{8}-\d{6}-[0-9a-f]{6}\/$/, 'keys under <prefix>/oss-resumable-bench-<run id>/');
  t.same(
    report.configurations.map((c: { partSize: number; parallel: number }) => [c.partSize, c.parallel]),
    [[512 * 1024, 1], [512 * 1024, 2], [MiB, 1], [MiB, 2]],
    'every part size with every parallel',
  );
  for (const c of report.configurations) {
    const name = `${c.partSize} × ${c.parallel}`;
    t.match(c.mibPerSecond, { median: Number, min: Number, max: Number }, `${name}: mibPerSecond`);
    t.ok(c.mibPerSecond.min <= c.mibPerSecond.median && c.mibPerSecond.median <= c.mibPerSecond.max, `${name}: min ≤ median ≤ max`);
    t.match(c.partLatencyMs, { p50: Number, p90: Number, p99: Number }, `${name}: partLatencyMs`);
    t.ok(c.partLatencyMs.p50 <= c.partLatencyMs.p90 && c.partLatencyMs.p90 <= c.partLatencyMs.p99, `${name}: p50 ≤ p90 ≤ p99`);
    // Every part waits for the mock's latency after its last byte: the server's share shows it.
    t.ok(c.lastByteToResponseMs.p50 >= LATENCY_MS - 1, `${name}: last byte → answer holds the server-side latency`);
    t.ok(c.partLatencyMs.p50 >= c.lastByteToResponseMs.p50 - 1, `${name}: a part takes at least its last-byte-to-answer time`);
    t.match(c, { cpuSecondsPerGiB: Number, peakRssBytes: Number, retries: 0, errors: 0, failedRuns: 0, parts: 2 * MiB / c.partSize });
    t.ok(c.cpuSecondsPerGiB > 0 && c.peakRssBytes > 0);
    t.equal(c.runs.length, 2, `${name}: two runs`);
    for (const run of c.runs) t.match(run, { seconds: Number, mibPerSecond: Number, initiateMs: Number, completeMs: Number, partRequests: 2 * MiB / c.partSize, error: null });
    t.match(c.initiateMs, { median: Number });
    t.ok(c.initiateMs.min >= LATENCY_MS - 1, 'Initiate waits for the latency too');
  }
  // Rotation: each round starts further along, so no configuration always runs first.
  const firsts = report.configurations.map((c: { runs: Array<{ order: number }> }) => c.runs.map((r) => r.order));
  t.same(firsts.flat().sort((a: number, b: number) => a - b), [1, 2, 3, 4, 5, 6, 7, 8], 'eight uploads, each in its own place');
  t.not(firsts[0][1] - firsts[0][0], 4, 'the second round does not repeat the first order');

  // The recommendation: the fastest, or within 5% of it, as upload flags.
  const { recommendation } = report;
  const medians = report.configurations.map((c: { mibPerSecond: { median: number } }) => c.mibPerSecond.median);
  const fastest = Math.max(...medians);
  const chosen = report.configurations.find((c: { partSize: number; parallel: number }) => c.partSize === recommendation.partSize && c.parallel === recommendation.parallel);
  t.ok(chosen, 'the recommendation is one of the configurations');
  t.ok(chosen.mibPerSecond.median >= fastest * 0.95, 'it is the fastest or within 5% of it');
  t.equal(recommendation.flags, `--part-size ${recommendation.partSize === MiB ? '1MiB' : '512KB'} --parallel ${recommendation.parallel}`);
  t.equal(recommendation.fastest.mibPerSecond, fastest, 'the fastest is named too');

  // --csv: one row per part request (and the Initiate and Complete of each run), no warm-up.
  const rows = (await readFile(csvPath, 'utf8')).trim().split('\n');
  t.equal(rows[0], 'configuration,partSize,parallel,run,api,partNumber,attempt,bytes,startMs,lastByteSentMs,responseMs,endMs,status,error');
  const cells = rows.slice(1).map((row) => row.split(','));
  const parts = cells.filter((c) => c[4] === 'UploadPart');
  const expectedParts = report.configurations.reduce((sum: number, c: { parts: number }) => sum + c.parts * 2, 0);
  t.equal(parts.length, expectedParts, 'one row per part request');
  t.equal(parts.length, (server.stats.requests['UploadPart'] ?? 0) - (before['UploadPart'] ?? 0) - report.warmup.bytes / report.warmup.partSize, 'as many as the server answered, warm-up aside');
  t.equal(cells.filter((c) => c[4] === 'InitiateMultipartUpload').length, 8);
  t.equal(cells.filter((c) => c[4] === 'CompleteMultipartUpload').length, 8);
  for (const c of parts) {
    const [start, sent, response] = [Number(c[8]), Number(c[9]), Number(c[10])];
    if (!(start <= sent && sent <= response && c[12] === '200')) {
      t.fail(`row ${c.join(',')} is not start ≤ last byte sent ≤ response, status 200`);
      break;
    }
  }
  t.same(new Set(parts.map((c) => Number(c[7]))), new Set([512 * 1024, MiB]), 'bytes per part request');

  t.same(report.cleanup, { objectsDeleted: 9, uploadsAborted: 0, kept: [], left: [] }, 'eight objects and the warm-up deleted');
  t.equal((server.stats.requests['DeleteObject'] ?? 0) - (before['DeleteObject'] ?? 0), 9, 'one DeleteObject per object');
  await checkServerClean(t, report.prefix);
});

t.test('the table, the recommendation and the plan, without --json', async (t) => {
  const result = await runCli(['bench', `oss://${BUCKET}/perf/`, '--size', '1MiB', '--part-size', '512KiB', '--parallel', '1,2', '--runs', '1'], { env, timeoutMs: 60_000 });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /configuration +MiB\/s median \(min-max\) +part ms p50\/p90\/p99/);
  t.match(result.stdout, /^512KB × 1 +\d+\.\d \(\d+\.\d-\d+\.\d\)/m);
  t.match(result.stdout, /^512KB × 2 /m);
  t.match(result.stdout, /recommended: .*\n +node \S+main\.js upload --part-size 512KB --parallel [12] <file> oss:\/\/bench-bucket\/<key>/);
  t.match(result.stderr, /bench: part sizes 512KB × parallel 1, 2, 1 run each: 2 uploads of generated data, 2\.0 MiB plus a warm-up/, 'the work is announced before it starts');
  t.match(result.stderr, /Planned: 2 uploads of 1\.0 MiB, 2\.0 MiB in all: about \S+ at that rate/, 'with an ETA');
  t.match(result.stderr, /^run 1\/2 512KB × \d: [\d.]+ MiB\/s in [\d.]+s; 50% done, ETA/m, 'a plain line per run when stderr is not a terminal');
  t.notMatch(result.stderr, /billed/, 'no billing warning for a loopback endpoint');
});

/** A measured upload of the bench (not its warm-up). */
const isMeasured = (key: string): boolean => key.includes('/oss-resumable-bench-') && !key.endsWith('/warmup');

/**
 * Runs a bench whose every part stalls once the sweep proper starts, and sends `signal` while a
 * measured upload is surely in flight. Resolves with the result and that upload's run prefix.
 */
async function benchSignalledInFlight(signal: NodeJS.Signals, extra: string[]): Promise<{ result: Awaited<ReturnType<typeof runCli>>; runPrefix: string }> {
  let stderr = '';
  let runPrefix = '';
  const result = await runCli(['bench', `oss://${BUCKET}/perf/`, ...SWEEP, '--runs', '4', ...extra], {
    env,
    timeoutMs: 60_000,
    onSpawn: (child) => {
      child.stderr!.on('data', (text: string) => (stderr += text));
      void (async () => {
        await waitFor(() => stderr.includes('Planned:'), 'the warm-up to end', 30_000);
        server.faults.add({ api: 'UploadPart', times: Infinity, action: { type: 'stall', ms: 60_000 } });
        const measured = () => server.listUploads(BUCKET).find((u) => isMeasured(u.key));
        await waitFor(() => measured() !== undefined, 'a measured upload in flight', 30_000);
        runPrefix = measured()!.key.replace(/[^/]+$/, '');
        child.kill(signal);
      })();
    },
  });
  return { result, runPrefix };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} aborts the upload in flight and removes what the bench uploaded`, async (t) => {
    const { result, runPrefix } = await benchSignalledInFlight(signal, ['--json']);
    server.faults.clear();
    t.equal(result.code, 130, `exit code 130 (stderr: ${result.stderr})`);
    t.match(result.stderr, /interrupted: stopping the upload in flight, aborting it/);
    const report = JSON.parse(result.stdout);
    t.equal(report.interrupted, true, 'the JSON says it was interrupted');
    t.equal(report.prefix, runPrefix);
    await checkServerClean(t, runPrefix);
  });
}

t.test('kill -9 of the bench: its upload process notices and aborts the upload on its own', async (t) => {
  const { result } = await benchSignalledInFlight('SIGKILL', []);
  t.equal(result.signal, 'SIGKILL');
  await waitFor(() => !server.listUploads(BUCKET).some((u) => isMeasured(u.key)), 'the orphaned upload process to abort its upload', 20_000);
  server.faults.clear();
  t.same(server.listUploads(BUCKET).map((u) => u.key), ['perf/someone-elses-upload.bin'], 'only the other upload is left');
});

t.test('--local: the mock in a process of its own, with a long-link model', async (t) => {
  const result = await runCli(['bench', '--local', '--latency-ms', '10', '--bandwidth', '64MiB', '--size', '1MiB', '--part-size', '512KiB', '--parallel', '1,2', '--runs', '1', '--json'], { env: { HOME: work }, timeoutMs: 60_000 });
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.match(report, { local: { latencyMs: 10, bandwidthBytesPerSec: 64 * MiB }, bucket: 'bench-local', interrupted: false });
  t.match(report.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(report.configurations.length, 2);
  t.ok(report.configurations.every((c: { lastByteToResponseMs: { p50: number } }) => c.lastByteToResponseMs.p50 >= 9), 'the link latency shows after the last byte');
  t.notMatch(result.stderr, /billed/, 'the local mock bills nobody');
  t.ok(report.recommendation, 'a recommendation');
});

t.test('bench compare: per-configuration changes from A to B', async (t) => {
  const a = await runCli(['bench', `oss://${BUCKET}/perf/`, '--size', '1MiB', '--part-size', '512KiB', '--parallel', '1,2', '--runs', '1', '--json'], { env, timeoutMs: 60_000 });
  t.equal(a.code, 0, a.stderr);
  const report = JSON.parse(a.stdout);
  // B: the same run with the first configuration 10% faster and one configuration more.
  const b = structuredClone(report);
  b.runId = 'other-run';
  b.configurations[0].mibPerSecond.median = Math.round(report.configurations[0].mibPerSecond.median * 1.1 * 100) / 100;
  b.configurations.push({ ...b.configurations[1], partSize: MiB });
  await writeFile(join(work, 'a.json'), a.stdout);
  await writeFile(join(work, 'b.json'), JSON.stringify(b));

  const shown = await runCli(['bench', 'compare', join(work, 'a.json'), join(work, 'b.json')], { env });
  t.equal(shown.code, 0, shown.stderr);
  t.match(shown.stdout, /^A: .*a\.json \(run \S+/m);
  t.match(shown.stdout, /^512KB × 1 +[\d.]+ → [\d.]+ \(\+(9\.\d|10\.\d)%\)/m, 'the faster configuration shows its change');
  t.match(shown.stdout, /^1MiB × 2 \(only in B\)/m, 'a configuration only in B is named');
  const json = await runCli(['bench', 'compare', join(work, 'a.json'), join(work, 'b.json'), '--json'], { env });
  const comparison = JSON.parse(json.stdout);
  t.match(comparison.configurations[0], { partSize: 512 * 1024, parallel: 1, in: 'both', mibPerSecond: { changePercent: Number } });
  t.ok(Math.abs(comparison.configurations[0].mibPerSecond.changePercent - 10) < 1, 'about +10%');
  t.equal(comparison.b.runId, 'other-run');

  const notBench = await runCli(['bench', 'compare', join(work, 'a.json'), join(work, 'requests.csv')], { env });
  t.equal(notBench.code, 1, 'a file that is not bench output is a failure');
  t.match(notBench.stderr, /requests\.csv is not JSON/);
  const missing = await runCli(['bench', 'compare', join(work, 'a.json'), join(work, 'nope.json')], { env });
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read .*nope\.json \(ENOENT\)/);
});

t.test('--file: the same file every run, read from disk', async (t) => {
  const file = join(work, 'data.bin');
  await writeFile(file, Buffer.alloc(MiB, 7));
  const before = server.stats.bytesReceived;
  const result = await runCli(['bench', `oss://${BUCKET}/perf/`, '--file', file, '--part-size', '512KiB', '--parallel', '2', '--runs', '2', '--json'], { env, timeoutMs: 60_000 });
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.match(report, { data: 'file', file, size: MiB });
  t.match(report.configurations[0], { partSize: 512 * 1024, parallel: 2, parts: 2, failedRuns: 0 });
  t.equal(report.configurations[0].runs.length, 2);
  t.ok(server.stats.bytesReceived - before >= 2 * MiB, 'the file was sent each run');
  await checkServerClean(t, report.prefix);
});

t.test('refused from the start (no such bucket): the error alone, exit 1, nothing to clean up', async (t) => {
  const result = await runCli(['bench', 'oss://no-such-bucket/perf/', '--size', '1MiB', '--part-size', '512KiB', '--parallel', '1', '--runs', '1', '--json'], { env });
  t.equal(result.code, 1);
  t.match(JSON.parse(result.stdout), { error: { code: 'NoSuchBucket' } }, 'one JSON document: the error');
  t.match(result.stderr, /error: InitiateMultipartUpload: OSS 404 NoSuchBucket/);
  t.notMatch(result.stderr, /could not (list|remove)/, 'no cleanup warnings: the server refused every Initiate');

  const before = JSON.stringify(server.stats.requests);
  const csv = await runCli(['bench', `oss://${BUCKET}/perf/`, '--csv', join(work, 'no-such-dir', 'x.csv')], { env });
  t.equal(csv.code, 1, 'an unwritable --csv path is a failure (the command line was right)');
  t.match(csv.stderr, /cannot write --csv .*x\.csv \(ENOENT\)/);
  t.equal(JSON.stringify(server.stats.requests), before, 'found before any request');
});

t.test('bad flags are usage errors (exit 2), found before any request', async (t) => {
  const before = JSON.stringify(server.stats.requests);
  const cases: Array<[string[], RegExp]> = [
    [['--part-size', '50KB'], /part size 51200 bytes is outside 100KB\.\.5GiB/],
    [['--part-size', '8MiB,,16MiB'], /--part-size "8MiB,,16MiB": give values separated by commas/],
    [['--part-size', 'big'], /--part-size "big" is not a size/],
    [['--parallel', '0'], /--parallel "0" must be a whole number of at least 1/],
    [['--parallel', '2,300'], /parallel 300 is outside 1\.\.256/],
    [['--parallel', '128', '--part-size', '16MiB'], /16MiB × 128 would hold 2GiB of part buffers/],
    [['--runs', '0'], /--runs "0" must be a whole number/],
    [['--size', '1MiB', '--part-size', '2MiB'], /--size 1MiB: 1048576 bytes is less than one part of 2MiB/],
    [['--paralel', '2'], /Unknown option '--paralel'; did you mean --parallel\?/],
    [['--latency-ms', '50'], /--latency-ms models the link of --local's mock server/],
    [['--file', '/etc/hostname', '--size', '1MiB'], /--size and --file/],
  ];
  // Side by side: each is a process that stops at its command line.
  const results = await Promise.all(cases.map(([flags]) => runCli(['bench', `oss://${BUCKET}/perf/`, ...flags], { env })));
  for (const [i, [flags, message]] of cases.entries()) {
    const result = results[i]!;
    t.equal(result.code, 2, `${flags.join(' ')}: exit 2`);
    t.match(result.stderr, message, flags.join(' '));
    t.match(result.stderr, /Run 'oss-resumable bench --help' for usage\./);
  }
  const [noUrl, localWithUrl, localBandwidth, compareOne, badUrl] = await Promise.all(
    [['bench'], ['bench', '--local', `oss://${BUCKET}/x/`], ['bench', '--local', '--bandwidth', '0'], ['bench', 'compare', 'a.json'], ['bench', 'oss://Bad_Bucket/x/']].map((argv) => runCli(argv, { env })),
  );
  t.equal(noUrl!.code, 2);
  t.match(noUrl!.stderr, /missing oss:\/\/<bucket>\/<prefix>\/ \(or --local/);
  t.equal(localWithUrl!.code, 2);
  t.match(localWithUrl!.stderr, /--local benchmarks against its own mock server; leave out the oss:\/\/ URL/);
  t.equal(localBandwidth!.code, 2);
  t.match(localBandwidth!.stderr, /--bandwidth must be more than 0/);
  t.equal(compareOne!.code, 2);
  t.match(compareOne!.stderr, /give two files: bench compare A\.json B\.json/);
  t.equal(badUrl!.code, 2);
  t.equal(JSON.stringify(server.stats.requests), before, 'no request reached the server');

  const help = await runCli(['bench', '--help'], { env });
  t.equal(help.code, 0);
  t.match(help.stdout, /--part-size LIST/);
  t.match(help.stdout, /oss-resumable-bench-<run id>/);
  const compareHelp = await runCli(['bench', 'compare', '--help'], { env });
  t.match(compareHelp.stdout, /Usage: oss-resumable bench compare A\.json B\.json/);
});
