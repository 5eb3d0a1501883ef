// The bench's pure parts: statistics, the plan (configurations, rotation, sizes), the
// recommendation, `bench compare` and the CSV, on inputs whose answers are known.
import t from 'tap';
import { announcement, isLoopbackEndpoint } from '../lib/bench/announce.js';
import { compareReports, parseReport, renderComparison } from '../lib/bench/compare.js';
import { requestsCsv } from '../lib/bench/csv.js';
import type { MeasuredUpload, RequestRecord } from '../lib/bench/measure-upload.js';
import {
  AUTO_SIZE_MAX,
  automaticSize,
  configurationProblem,
  configurationsOf,
  label,
  rotationSchedule,
  sizeProblem,
  uploadFlags,
  warmupConfiguration,
} from '../lib/bench/plan.js';
import { recommend, type Measured } from '../lib/bench/recommend.js';
import type { BenchReport } from '../lib/bench/report.js';
import { median, percentile, percentiles, spread } from '../lib/bench/stats.js';
import type { SweepRun } from '../lib/bench/sweep.js';

const MiB = 1024 * 1024;

t.test('percentiles interpolate between the closest ranks', async (t) => {
  const hundred = Array.from({ length: 101 }, (_, i) => i); // 0..100: the p-th percentile is p
  t.equal(percentile(hundred, 50), 50);
  t.equal(percentile(hundred, 90), 90);
  t.equal(percentile(hundred, 99), 99);
  t.equal(percentile([10, 20], 50), 15, 'halfway between two');
  t.equal(percentile([3, 1, 2], 50), 2, 'order of the input does not matter');
  t.equal(percentile([7], 99), 7, 'one value is every percentile');
  t.equal(percentile([1, 2, 3, 4, 100], 99), 96.16, 'p99 of five lies between the two largest');
  t.ok(Number.isNaN(percentile([], 50)));
  t.equal(median([5, 1, 4, 2]), 3);
  t.same(spread([3, 9, 6]), { median: 6, min: 3, max: 9 });
  t.equal(spread([]), undefined);
  t.same(percentiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), { p50: 6, p90: 10, p99: 10.9 });
  t.equal(percentiles([]), undefined);
});

t.test('the plan', async (t) => {
  const configs = configurationsOf([8 * MiB, 16 * MiB, 8 * MiB], [2, 4]);
  t.same(configs, [
    { partSize: 8 * MiB, parallel: 2 },
    { partSize: 8 * MiB, parallel: 4 },
    { partSize: 16 * MiB, parallel: 2 },
    { partSize: 16 * MiB, parallel: 4 },
  ], 'part size first, duplicates dropped');
  t.equal(label(configs[1]!), '8MiB × 4');
  t.equal(uploadFlags(configs[2]!), '--part-size 16MiB --parallel 2');

  t.equal(configurationProblem({ partSize: 8 * MiB, parallel: 16 }), undefined);
  t.match(configurationProblem({ partSize: 50 * 1024, parallel: 2 }), /outside 100KB\.\.5GiB/);
  t.match(configurationProblem({ partSize: 8 * MiB, parallel: 257 }), /outside 1\.\.256/);
  t.match(configurationProblem({ partSize: 16 * MiB, parallel: 128 }), /2GiB of part buffers/);
  t.equal(configurationProblem({ partSize: 32 * MiB, parallel: 128 }), undefined, 'parts over 16 MiB are streamed: no buffers');

  t.equal(sizeProblem(64 * MiB, configs), undefined);
  t.match(sizeProblem(10 * MiB, configs), /less than one part of 16MiB/);
  t.match(sizeProblem(8 * MiB * 10_001, configs), /more than 10000 parts of 8MiB/);
});

t.test('rotation: every configuration once per round, each round starting further along', async (t) => {
  const schedule = rotationSchedule(4, 2);
  t.same(schedule.map((s) => s.configuration), [0, 1, 2, 3, 2, 3, 0, 1]);
  t.same(schedule.map((s) => s.run), [1, 1, 1, 1, 2, 2, 2, 2]);
  t.same(schedule.map((s) => s.order), [1, 2, 3, 4, 5, 6, 7, 8]);
  // 12 configurations × 3 rounds: each runs early, midway and late in its round.
  const twelve = rotationSchedule(12, 3);
  for (let c = 0; c < 12; c++) {
    const places = twelve.filter((s) => s.configuration === c).map((s) => (s.order - 1) % 12);
    t.same(places.map((p) => Math.floor(p / 4)).sort(), [0, 1, 2], `configuration ${c} sits in each third of a round once`);
  }
  t.same(rotationSchedule(3, 1).map((s) => s.configuration), [0, 1, 2], 'one run: the plain order');
});

t.test('the automatic size and the warm-up', async (t) => {
  const configs = configurationsOf([8 * MiB, 16 * MiB, 32 * MiB], [2, 4, 8, 16]);
  // 48 MiB/s for 180 s over 36 uploads: 240 MiB, rounded to whole 32 MiB parts.
  t.equal(automaticSize(48 * MiB, configs, 3), 256 * MiB);
  t.equal(automaticSize(1 * MiB, configs, 3), 128 * MiB, 'a slow link: at least four of the largest parts');
  t.equal(automaticSize(10_000 * MiB, configs, 3), AUTO_SIZE_MAX, 'a fast link: at most 1 GiB');
  t.equal(automaticSize(0.1 * MiB, configurationsOf([1 * MiB], [2]), 1), 64 * MiB, 'never below 64 MiB');
  t.same(warmupConfiguration(configs), { configuration: { partSize: 32 * MiB, parallel: 8 }, size: 256 * MiB });
  t.same(warmupConfiguration(configurationsOf([MiB], [1, 2])), { configuration: { partSize: MiB, parallel: 2 }, size: 16 * MiB });
});

const result = (partSize: number, parallel: number, mib: number | null, rss: number | null): Measured => ({
  partSize,
  parallel,
  mibPerSecond: mib === null ? null : { median: mib },
  peakRssBytes: rss,
});

t.test('the recommendation: the fastest, and the least memory within 5% of it', async (t) => {
  const fastest = result(16 * MiB, 8, 50, 200 * MiB);
  const configs = [result(8 * MiB, 2, 40, 80 * MiB), result(8 * MiB, 4, 47.4, 90 * MiB), result(16 * MiB, 4, 48, 130 * MiB), fastest];
  const r = recommend(configs)!;
  t.match(r.fastest, { partSize: 16 * MiB, parallel: 8, mibPerSecond: 50, peakRssBytes: 200 * MiB, flags: '--part-size 16MiB --parallel 8' });
  t.match(r, { partSize: 16 * MiB, parallel: 4, mibPerSecond: 48, peakRssBytes: 130 * MiB, flags: '--part-size 16MiB --parallel 4', slowerThanFastestPercent: 4 }, '48 is within 5% of 50; 47.4 is not');

  const atTheBoundary = recommend([result(8 * MiB, 4, 47.5, 90 * MiB), fastest])!;
  t.match(atTheBoundary, { parallel: 4, slowerThanFastestPercent: 5 }, 'exactly 5% slower still counts');

  const leanest = recommend([result(8 * MiB, 2, 50, 80 * MiB), result(8 * MiB, 4, 49, 90 * MiB)])!;
  t.match(leanest, { partSize: 8 * MiB, parallel: 2, slowerThanFastestPercent: 0 }, 'the fastest when it also takes the least memory');
  t.same(leanest.fastest.flags, leanest.flags);

  const tied = recommend([result(16 * MiB, 2, 50, 90 * MiB), result(8 * MiB, 4, 50, 90 * MiB), result(8 * MiB, 2, 49, 90 * MiB)])!;
  t.match(tied, { partSize: 8 * MiB, parallel: 2 }, 'equal RSS: fewer part-buffer bytes first');
  const sameBuffers = recommend([result(8 * MiB, 4, 50, 90 * MiB), result(16 * MiB, 2, 50, 90 * MiB)])!;
  t.match(sameBuffers, { partSize: 16 * MiB, parallel: 2 }, 'then fewer connections');

  // From a `bench --local` run: 324 KiB less RSS must not trade the fastest for a slower one.
  const noise = recommend([result(8 * MiB, 2, 45.4, 75.2 * MiB), result(32 * MiB, 2, 44.7, 74.9 * MiB), result(16 * MiB, 16, 43.8, 99.6 * MiB)])!;
  t.match(noise, { partSize: 8 * MiB, parallel: 2, slowerThanFastestPercent: 0 }, 'peak RSS within 5% of the least is the same memory');
  const worthIt = recommend([result(8 * MiB, 8, 45.4, 90 * MiB), result(8 * MiB, 2, 44.7, 75 * MiB)])!;
  t.match(worthIt, { parallel: 2 }, '15 MiB less is worth 1.5% of the speed');
  t.match(recommend([result(8 * MiB, 2, null, null), result(8 * MiB, 4, 30, 90 * MiB)]), { parallel: 4 }, 'a configuration that finished no run is left out');
  t.equal(recommend([result(8 * MiB, 2, null, null)]), undefined, 'nothing finished: nothing to recommend');
});

/** A minimal bench report: configurations with a median MiB/s, latencies, CPU and RSS. */
function report(runId: string, rows: Array<[number, number, number]>): BenchReport {
  return {
    tool: 'oss-resumable bench',
    runId,
    startedAt: '2025-01-01T00:00:00.000Z',
    endpoint: 'http://127.0.0.1:9000',
    configurations: rows.map(([partSize, parallel, mib]) => ({
      partSize,
      parallel,
      mibPerSecond: { median: mib, min: mib, max: mib },
      partLatencyMs: { p50: 100, p90: 150, p99: 200 },
      cpuSecondsPerGiB: 2.5,
      peakRssBytes: 100 * MiB,
    })),
    recommendation: { flags: `--part-size ${rows[0]![0] / MiB}MiB --parallel ${rows[0]![1]}` },
  } as unknown as BenchReport;
}

t.test('bench compare: matched on part size and parallel, B against A', async (t) => {
  const a = report('a', [[8 * MiB, 2, 40], [8 * MiB, 4, 50]]);
  const b = report('b', [[8 * MiB, 4, 55], [16 * MiB, 4, 60]]);
  b.configurations[0]!.partLatencyMs = { p50: 80, p90: 100, p99: 250 };
  const comparison = compareReports(a, b);
  t.same(comparison.configurations.map((c) => [c.partSize / MiB, c.parallel, c.in]), [[8, 2, 'a'], [8, 4, 'both'], [16, 4, 'b']]);
  const both = comparison.configurations[1]!;
  t.same(both.mibPerSecond, { a: 50, b: 55, changePercent: 10 });
  t.same(both.partLatencyP50Ms, { a: 100, b: 80, changePercent: -20 });
  t.same(both.partLatencyP99Ms, { a: 200, b: 250, changePercent: 25 });
  t.same(both.cpuSecondsPerGiB, { a: 2.5, b: 2.5, changePercent: 0 });
  t.same(comparison.configurations[0]!.mibPerSecond, { a: 40, b: null, changePercent: null }, 'only in A: no change to compute');
  t.same([comparison.a.recommendation, comparison.b.recommendation], ['--part-size 8MiB --parallel 2', '--part-size 8MiB --parallel 4']);

  const text = renderComparison(comparison, { a: 'a.json', b: 'b.json' });
  t.match(text, /^8MiB × 4 +50\.0 → 55\.0 \(\+10\.0%\) +100 → 80 \(-20\.0%\) +200 → 250 \(\+25\.0%\)/m);
  t.match(text, /^8MiB × 2 \(only in A\) +40\.0 → -/m);
  t.match(text, /^16MiB × 4 \(only in B\) +- → 60\.0/m);

  t.throws(() => parseReport('{"tool":"something else","configurations":[]}', 'x.json'), /x\.json is not the output of `oss-resumable bench --json`/);
  t.throws(() => parseReport('not json', 'y.json'), /y\.json is not JSON/);
  t.equal(parseReport(JSON.stringify(a), 'a.json').runId, 'a');
});

t.test('the CSV: one row per request, times from the bench start, cells quoted when they must be', async (t) => {
  const request = (over: Partial<RequestRecord>): RequestRecord => ({
    api: 'UploadPart',
    partNumber: 1,
    attempt: 1,
    bytes: 100,
    startMs: 1000,
    bodySentMs: 1010,
    responseMs: 1050,
    endMs: 1051,
    status: 200,
    error: undefined,
    ...over,
  });
  const measured = (requests: RequestRecord[]): MeasuredUpload => ({ bytes: 200, seconds: 1, cpuSeconds: 0.1, peakRssBytes: 1, requests, error: undefined });
  const runs: SweepRun[] = [
    {
      configuration: 0,
      run: 1,
      order: 1,
      key: 'k',
      measured: measured([
        request({ partNumber: 2, startMs: 1005 }),
        request({}),
        request({ api: 'InitiateMultipartUpload', partNumber: undefined, bytes: 0, startMs: 990, bodySentMs: undefined }),
        request({ partNumber: 3, attempt: 2, startMs: 1020, status: undefined, responseMs: undefined, error: 'ECONNRESET, "cut"' }),
      ]),
    },
  ];
  const lines = requestsCsv(runs, [{ partSize: 100, parallel: 2 }], 900).trim().split('\n');
  t.equal(lines.length, 5, 'a header and four requests');
  t.equal(lines[1], '100 × 2,100,2,1,InitiateMultipartUpload,,1,0,90.000,,150.000,151.000,200,', 'in the order they started; no part number or body time where there is none');
  t.equal(lines[2], '100 × 2,100,2,1,UploadPart,1,1,100,100.000,110.000,150.000,151.000,200,');
  t.equal(lines[3], '100 × 2,100,2,1,UploadPart,2,1,100,105.000,110.000,150.000,151.000,200,');
  t.equal(lines[4], '100 × 2,100,2,1,UploadPart,3,2,100,120.000,110.000,,151.000,,"ECONNRESET, ""cut"""', 'a failed attempt: no answer, its error quoted');
});

t.test('the announcement: the plan, and a billing warning unless the endpoint is this machine', async (t) => {
  const input = {
    configurations: configurationsOf([8 * MiB, 16 * MiB], [2, 4]),
    runs: 3,
    size: 64 * MiB,
    file: undefined,
    bucket: 'b',
    runPrefix: 'tmp/oss-resumable-bench-x/',
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    local: false,
    keep: false,
  };
  const remote = announcement(input);
  t.equal(remote.plan, 'bench: part sizes 8MiB, 16MiB × parallel 2, 4, 3 runs each: 12 uploads of generated data, 768.0 MiB plus a warm-up, to oss://b/tmp/oss-resumable-bench-x/');
  // Per round: (8 + 3) × 2 + (4 + 3) × 2 = 36 requests; three rounds.
  t.match(remote.billing, /^this uploads 768\.0 MiB to https:\/\/oss-cn-hangzhou\.aliyuncs\.com, which may be billed: OSS charges for requests \(about 108 here\)/);
  t.match(remote.billing, /Each object is deleted as soon as it is measured\.$/);
  t.match(announcement({ ...input, keep: true }).billing, /With --keep the objects stay, and are stored at your cost/);
  t.match(announcement({ ...input, size: undefined }).plan, /up to 12\.0 GiB \(each upload sized after the warm-up\)/);
  t.match(announcement({ ...input, file: { path: '/data/big.iso', size: MiB * 100 } }).plan, /12 uploads of the file \/data\/big\.iso, 1\.2 GiB/);
  for (const endpoint of ['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000']) {
    t.equal(announcement({ ...input, endpoint }).billing, undefined, `${endpoint}: no warning`);
  }
  t.equal(announcement({ ...input, local: true, endpoint: 'http://127.0.0.1:1' }).billing, undefined, '--local: no warning');
  t.ok(isLoopbackEndpoint('http://127.8.9.10'));
  t.notOk(isLoopbackEndpoint('http://10.0.0.1:9000'), 'a LAN address may be a billed gateway');
});
