// The benchmark: this client against the raw-undici ceiling and ali-oss, each contender its own
// process, against the mock server in another process, alternating contenders, medians of --runs.
//   npm run bench -- [--size 1GiB] [--runs 3] [--scenario all|discard|verify|wan|memory]
//                    [--memory-size 4GiB] [--wan-latency-ms 150] [--wan-bandwidth 48MiB] [--wan-window 4MiB]
//                    [--wan-no-slow-start]
//                    [--variants 8MiBx4,...] [--only NAME,...]
// Prints the machine and one Markdown table per scenario on stdout; progress goes to stderr.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { open, mkdtemp, readFile, rm } from 'node:fs/promises';
import { randomFillSync } from 'node:crypto';
import { cpus, tmpdir, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseSize } from '../dist/cli/args.js';
import { formatBytes } from '../dist/cli/format.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
const BUCKET = 'bench-bucket';
const CREDENTIALS_ENV = { OSS_ACCESS_KEY_ID: 'bench-access-key-id', OSS_ACCESS_KEY_SECRET: 'bench-access-key-secret' };

/** Every contender; `incumbent` ones are ali-oss (`incumbentDefaults` with its defaults), `ceiling` is raw undici. */
const CONTENDERS = [
  { name: 'oss-resumable (defaults)', script: 'oss-resumable.mjs', args: [] },
  { name: 'oss-resumable (+ local CRC-64)', script: 'oss-resumable.mjs', args: ['--local-crc64'] },
  { name: 'raw undici PUT (ceiling)', script: 'raw-undici.mjs', args: [], ceiling: true },
  { name: 'ali-oss (defaults)', script: 'ali-oss.mjs', args: [], incumbent: true, incumbentDefaults: true },
  { name: 'ali-oss (8 MiB × 4)', script: 'ali-oss.mjs', args: ['--part-size', String(8 * MiB), '--parallel', '4'], incumbent: true },
];

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1GiB' },
    runs: { type: 'string', default: '3' },
    scenario: { type: 'string', default: 'all' },
    'memory-size': { type: 'string', default: '4GiB' },
    'wan-latency-ms': { type: 'string', default: '150' },
    'wan-bandwidth': { type: 'string', default: '48MiB' },
    'wan-window': { type: 'string', default: '4MiB' },
    'wan-no-slow-start': { type: 'boolean' },
    only: { type: 'string' },
    variants: { type: 'string' },
  },
  strict: true,
});
const size = parseSize(values.size, '--size');
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs} must be a whole number of at least 1`);
const wanLatencyMs = Number(values['wan-latency-ms']);
const wanBandwidth = parseSize(values['wan-bandwidth'], '--wan-bandwidth');
const wanWindow = parseSize(values['wan-window'], '--wan-window');

const SCENARIOS = {
  discard: { title: 'Discard server (hashes, stores nothing)', serverArgs: ['--discard'] },
  verify: { title: 'Verifying server (checks Content-MD5, stores every part and the object)', serverArgs: [] },
  // Through bench/wan-link.mjs: every byte crosses a link of this round trip, whose bandwidth all
  // connections share, each with at most a TCP window of bytes unacknowledged.
  wan: {
    title: `WAN link (${wanLatencyMs} ms round trip, ${formatBytes(wanBandwidth)}/s shared, ${formatBytes(wanWindow)} TCP window per connection${values['wan-no-slow-start'] ? ', no slow start' : ''})`,
    serverArgs: [
      ...['--discard', '--link-rtt-ms', String(wanLatencyMs), '--link-bandwidth', String(wanBandwidth), '--link-window', String(wanWindow)],
      ...(values['wan-no-slow-start'] ? ['--link-initial-window', String(wanWindow)] : []),
    ],
    linkRate: wanBandwidth,
  },
};

// --variants 8MiBx4,4MiBx6: this client with other part sizes × parallelism as well, for tuning.
for (const variant of values.variants ? values.variants.split(',') : []) {
  const match = /^(.+)x(\d+)$/.exec(variant);
  if (!match) throw new Error(`--variants ${variant}: write PARTSIZExPARALLEL, e.g. 8MiBx4`);
  const partSize = parseSize(match[1], '--variants');
  CONTENDERS.push({ name: `oss-resumable (${formatBytes(partSize)} × ${match[2]})`, script: 'oss-resumable.mjs', args: ['--part-size', String(partSize), '--parallel', match[2]], variant: true });
}
// --only a,b: just the contenders whose names contain one of these, and the --variants (the
// ceiling and ali-oss defaults stay too, as the ratios need them).
if (values.only) {
  const wanted = values.only.split(',');
  const keep = CONTENDERS.filter((c) => c.ceiling || c.incumbentDefaults || c.variant || wanted.some((w) => c.name.includes(w)));
  CONTENDERS.splice(0, CONTENDERS.length, ...keep);
}

const chosen = values.scenario === 'all' ? [...Object.keys(SCENARIOS), 'memory'] : values.scenario.split(',');
for (const name of chosen) {
  if (!SCENARIOS[name] && name !== 'memory') throw new Error(`unknown --scenario ${name}; use all, discard, verify, wan or memory`);
}

const workDir = await mkdtemp(join(tmpdir(), 'oss-resumable-bench-'));
try {
  console.log(`${machineDescription()}\n`);
  const file = join(workDir, 'sample.bin');
  if (chosen.some((name) => SCENARIOS[name])) {
    console.log(`File: ${formatBytes(size)} of random bytes; ${runs} run(s) per contender, alternating; medians.\n`);
    await writeRandomFile(file, size);
  }
  for (const name of chosen) {
    if (name === 'memory') {
      console.log(await memoryScenario(workDir));
      continue;
    }
    const scenario = SCENARIOS[name];
    const results = await runScenario(scenario, file, join(workDir, name));
    console.log(`### ${scenario.title}\n\n${markdownTable(results, scenario.linkRate)}\n`);
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}

async function runScenario(scenario, file, dataDir) {
  const server = await startServer([...scenario.serverArgs, '--data-dir', dataDir]);
  try {
    const samples = new Map(CONTENDERS.map((c) => [c.name, []]));
    for (let run = 0; run < runs; run++) {
      // Rotate the order every run so no contender always follows the same neighbour (page cache, GC, server state).
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + run) % CONTENDERS.length]);
      for (const contender of order) {
        const key = `bench/${contender.script}-${contender.args.join('-') || 'defaults'}`;
        const before = { server: await processCpuSeconds(server.pid), machine: await machineCpu(), completes: server.completeMs.length };
        const sample = await runContender(contender, server.url, key, file);
        sample.serverCpuSeconds = subtract(await processCpuSeconds(server.pid), before.server);
        sample.completeSeconds = server.completeMs.slice(before.completes).reduce((sum, ms) => sum + ms, 0) / 1000;
        const machine = await machineCpu();
        sample.machineIdle = machine && before.machine ? (machine.idle - before.machine.idle) / (machine.total - before.machine.total) : undefined;
        samples.get(contender.name).push(sample);
        progress(
          `${contender.name}: ${(sample.bytes / MiB / sample.seconds).toFixed(1)} MiB/s, ${sample.cpuSeconds.toFixed(2)} CPU s` +
            (sample.serverCpuSeconds !== undefined ? `, server ${sample.serverCpuSeconds.toFixed(2)} CPU s` : '') +
            (sample.machineIdle !== undefined ? `, machine ${(sample.machineIdle * 100).toFixed(0)}% idle` : ''),
        );
      }
    }
    return CONTENDERS.map((c) => ({ contender: c, ...summarize(samples.get(c.name)) }));
  } finally {
    await server.stop();
  }
}

async function memoryScenario(workDir) {
  const memorySize = parseSize(values['memory-size'], '--memory-size');
  const rows = [
    ['upload', 'MiB/s', 'CPU s/GiB', 'peak RSS MiB', 'part size × parallel'],
    ['---', '---', '---', '---', '---'],
  ];
  for (const via of ['cli', 'library']) {
    progress(`memory scenario: ${formatBytes(memorySize)} upload with defaults, via the ${via}`);
    const child = spawn(process.execPath, [join(HERE, 'memory.mjs'), '--via', via, '--size', String(memorySize), '--dir', workDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const r = await lastJsonLine(child, 'memory.mjs');
    const what = via === 'cli' ? '`oss-resumable upload`' : '`resumableUpload()` in-process';
    rows.push([`${what}, ${formatBytes(r.bytes)}`, r.mibPerSec.toFixed(1), (r.cpuSeconds / (r.bytes / GiB)).toFixed(2), (r.maxRssBytes / MiB).toFixed(0), `${formatBytes(r.partSize)} × ${r.parallel}`]);
  }
  return `### Memory (bench/memory.mjs: ${formatBytes(memorySize)} upload with defaults, discard server)\n\n${rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n')}\n`;
}

function runContender(contender, endpoint, key, file) {
  const child = spawn(
    process.execPath,
    [join(HERE, 'contenders', contender.script), '--endpoint', endpoint, '--bucket', BUCKET, '--key', key, '--file', file, ...contender.args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...CREDENTIALS_ENV } },
  );
  return lastJsonLine(child, contender.name);
}

/** Resolves with the child's last stdout line parsed as JSON, once it exits 0. */
function lastJsonLine(child, label) {
  let last;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim()) last = line;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !last) return reject(new Error(`${label} exited with ${code}`));
      resolve(JSON.parse(last));
    });
  });
}

async function startServer(args) {
  const child = spawn(process.execPath, [join(HERE, 'mock-server-process.mjs'), '--bucket', BUCKET, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...CREDENTIALS_ENV },
  });
  const completeMs = [];
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
      const complete = /^complete-ms (\d+)/.exec(line);
      if (complete) completeMs.push(Number(complete[1]));
    });
    child.on('exit', (code) => reject(new Error(`the mock server exited with ${code} before listening`)));
  });
  return {
    url,
    pid: child.pid,
    /** Server-side duration of every CompleteMultipartUpload so far, in order. */
    completeMs,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * User + system CPU seconds of a process and all its threads (the server's libuv pool included),
 * from /proc; undefined where there is no /proc. Sampled around a contender's whole process, so it
 * includes the server's idle moments while the contender starts, which cost next to nothing.
 */
async function processCpuSeconds(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The machine's idle and total CPU time (jiffies) from /proc/stat; undefined without it. */
async function machineCpu() {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // idle + iowait count as idle: a core waiting for the disk is free to run a client.
    return { idle: ticks[3] + ticks[4], total: ticks.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

function subtract(after, before) {
  return after === undefined || before === undefined ? undefined : after - before;
}

function summarize(samples) {
  const rates = samples.map((s) => s.bytes / MiB / s.seconds);
  return {
    mibPerSecond: median(rates),
    slowest: Math.min(...rates),
    fastest: Math.max(...rates),
    cpuSecondsPerGiB: median(samples.map((s) => s.cpuSeconds / (s.bytes / GiB))),
    peakRssMiB: median(samples.map((s) => s.maxRssBytes / MiB)),
    serverCpuSecondsPerGiB: medianOrUndefined(samples.map((s) => s.serverCpuSeconds === undefined ? undefined : s.serverCpuSeconds / (s.bytes / GiB))),
    machineIdle: medianOrUndefined(samples.map((s) => s.machineIdle)),
    completeSeconds: median(samples.map((s) => s.completeSeconds)),
    // Throughput over the time before the server assembles the object: the part the client decides.
    mibPerSecondBeforeComplete: median(samples.map((s) => s.bytes / MiB / (s.seconds - s.completeSeconds))),
  };
}

function markdownTable(results, linkRate) {
  const incumbentBest = Math.max(...results.filter((r) => r.contender.incumbent).map((r) => r.mibPerSecond));
  const incumbentDefaults = results.find((r) => r.contender.incumbentDefaults).mibPerSecond;
  const ceiling = results.find((r) => r.contender.ceiling).mibPerSecond;
  const header = ['contender', 'MiB/s', 'runs MiB/s', 'CPU s/GiB', 'peak RSS MiB', '× ali-oss defaults', '× ali-oss best', '× ceiling'];
  if (linkRate) header.push('× link');
  const withServerCpu = results.every((r) => r.serverCpuSecondsPerGiB !== undefined);
  if (withServerCpu) header.push('server CPU s/GiB', 'machine idle');
  // Where assembling the object takes the server a noticeable time, the same for every multipart
  // client, it dilutes their differences: show it, and the ratio over the time before it.
  const incumbentBestRow = results.find((r) => r.contender.incumbent && r.mibPerSecond === incumbentBest);
  const withComplete = incumbentBestRow.completeSeconds >= 0.5;
  if (withComplete) header.push('Complete s', '× ali-oss best before Complete');
  const rows = results.map((r) => {
    const row = [
      r.contender.name,
      r.mibPerSecond.toFixed(1),
      `${r.slowest.toFixed(0)}–${r.fastest.toFixed(0)}`,
      r.cpuSecondsPerGiB.toFixed(2),
      r.peakRssMiB.toFixed(0),
      (r.mibPerSecond / incumbentDefaults).toFixed(2),
      (r.mibPerSecond / incumbentBest).toFixed(2),
      (r.mibPerSecond / ceiling).toFixed(2),
    ];
    if (linkRate) row.push((r.mibPerSecond / (linkRate / MiB)).toFixed(2));
    if (withServerCpu) row.push(r.serverCpuSecondsPerGiB.toFixed(2), `${(r.machineIdle * 100).toFixed(0)}%`);
    // A single PutObject (the ceiling) has no Complete, so no "before Complete" to compare.
    if (withComplete && r.completeSeconds === 0) row.push('—', '—');
    else if (withComplete) row.push(r.completeSeconds.toFixed(1), (r.mibPerSecondBeforeComplete / incumbentBestRow.mibPerSecondBeforeComplete).toFixed(2));
    return row;
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function medianOrUndefined(values) {
  return values.some((v) => v === undefined) ? undefined : median(values);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Random bytes (incompressible), written in 8 MiB blocks; one block reused with a varying head so this stays cheap. */
async function writeRandomFile(path, bytes) {
  progress(`writing a ${formatBytes(bytes)} sample file`);
  const block = randomFillSync(Buffer.alloc(8 * MiB));
  const handle = await open(path, 'w');
  try {
    for (let offset = 0, index = 0; offset < bytes; offset += block.length, index++) {
      block.writeUInt32LE(index, 0);
      await handle.write(block, 0, Math.min(block.length, bytes - offset));
    }
  } finally {
    await handle.close();
  }
}

function machineDescription() {
  const cpu = cpus();
  return [
    '## Machine',
    '',
    `- CPU: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    `- Memory: ${formatBytes(totalmem())}`,
    `- OS: ${platform()} ${release()}`,
    `- Node: ${process.version}`,
  ].join('\n');
}

function progress(text) {
  process.stderr.write(`bench: ${text}\n`);
}
