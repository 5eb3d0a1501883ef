// Peak memory of a large upload with the engine's defaults, against the mock server (discard
// mode) in a separate process, so only the client's memory is measured.
//   npm run build && node bench/memory.mjs [--via library|cli] [--size 4GiB] [--dir /tmp] [--part-size SIZE] [--parallel N]
//                                          [--latency-ms N] [--bandwidth SIZE]   (WAN emulation, for tuning)
// --via library (the default): resumableUpload() in this process, whose peak RSS is reported.
// --via cli: `oss-resumable upload` in a child process, the process a command-line user runs.
// Writes a test file of --size bytes in --dir (deleted afterwards), uploads it, and prints a
// summary on stderr and one JSON line on stdout: {via, bytes, seconds, mibPerSec, maxRssBytes, cpuSeconds, partSize, parallel}.
import { spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OssClient } from '../dist/index.js';
import { resumableUpload, DEFAULT_PART_SIZE, DEFAULT_PARALLEL } from '../dist/upload/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MiB = 1024 * 1024;
const BUCKET = 'bench-bucket';
const CREDENTIALS = { accessKeyId: 'bench-access-key-id', accessKeySecret: 'bench-access-key-secret' };
/** The test file repeats one random block: quick to write, and still not all-zero data. */
const BLOCK = 16 * MiB;

const { values } = parseArgs({
  options: {
    via: { type: 'string', default: 'library' },
    size: { type: 'string', default: '4GiB' },
    dir: { type: 'string', default: tmpdir() },
    'part-size': { type: 'string' },
    parallel: { type: 'string' },
    'latency-ms': { type: 'string' },
    bandwidth: { type: 'string' },
  },
  strict: true,
});
const size = parseSize(values.size);
const partSize = values['part-size'] ? parseSize(values['part-size']) : undefined;
const parallel = values.parallel ? Number(values.parallel) : undefined;
if (!['library', 'cli'].includes(values.via)) throw new Error(`--via ${values.via}: use library or cli`);

const workDir = await mkdtemp(join(values.dir, 'oss-memory-bench-'));
const server = await startServer();
let report;
try {
  const file = join(workDir, 'upload.bin');
  await writeTestFile(file, size);
  report = values.via === 'cli' ? await measureCli(file) : await measureUpload(file);
} finally {
  // Cleaned up before printing, so a closed stdout (e.g. `| head`) cannot leave the file behind.
  await server.stop();
  await rm(workDir, { recursive: true, force: true });
}
process.stderr.write(
  `${values.via}: ${(size / MiB).toFixed(0)} MiB in ${report.seconds} s: ${report.mibPerSec} MiB/s, peak RSS ${(report.maxRssBytes / MiB).toFixed(1)} MiB, ${report.cpuSeconds} CPU s\n`,
);
process.stdout.write(`${JSON.stringify(report)}\n`);

async function measureUpload(file) {
  const client = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDENTIALS });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await resumableUpload(client, { file, key: 'bench/memory.bin', checkpointDir: join(workDir, 'checkpoints'), partSize, parallel });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  await client.close();
  if (result.size !== size) throw new Error(`uploaded ${result.size} of ${size} bytes`);
  // resourceUsage().maxRSS is in KiB: the peak for the whole process, start-up included.
  return summary(seconds, process.resourceUsage().maxRSS * 1024, (cpu.user + cpu.system) / 1e6);
}

/** `oss-resumable upload --json` in a child; its peak RSS and CPU come from bench/report-usage.mjs on fd 3. */
async function measureCli(file) {
  const args = ['upload', file, `oss://${BUCKET}/bench/memory-cli.bin`, '--endpoint', server.url, '--checkpoint-dir', join(workDir, 'checkpoints'), '--json', '--quiet'];
  if (partSize) args.push('--part-size', String(partSize));
  if (parallel) args.push('--parallel', String(parallel));
  const child = spawn(process.execPath, ['--import', join(HERE, 'report-usage.mjs'), join(HERE, '..', 'dist', 'cli', 'main.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    env: { ...process.env, OSS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, OSS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret },
  });
  const [stdout, usage, code] = await Promise.all([
    collect(child.stdio[1]),
    collect(child.stdio[3]),
    new Promise((resolve, reject) => child.on('error', reject).on('close', resolve)),
  ]);
  if (code !== 0) throw new Error(`oss-resumable upload exited with ${code}: ${stdout}`);
  const result = JSON.parse(stdout);
  if (result.size !== size) throw new Error(`uploaded ${result.size} of ${size} bytes`);
  const { maxRssBytes, cpuSeconds } = JSON.parse(usage);
  // The CLI's own clock covers the upload; its CPU time covers the whole process, start-up included.
  return summary(result.seconds, maxRssBytes, cpuSeconds);
}

function summary(seconds, maxRssBytes, cpuSeconds) {
  return {
    via: values.via,
    bytes: size,
    seconds: round(seconds),
    mibPerSec: round(size / MiB / seconds),
    maxRssBytes,
    cpuSeconds: round(cpuSeconds),
    partSize: partSize ?? DEFAULT_PART_SIZE,
    parallel: parallel ?? DEFAULT_PARALLEL,
  };
}

async function collect(stream) {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/** Writes the file from a child process, so its buffers never count in this process's peak RSS. */
async function writeTestFile(path, bytes) {
  const script = `
    const { openSync, writeSync, closeSync } = require('node:fs');
    const block = require('node:crypto').randomBytes(${BLOCK});
    const fd = openSync(process.argv[1], 'w');
    for (let left = Number(process.argv[2]); left > 0; left -= ${BLOCK}) writeSync(fd, block, 0, Math.min(${BLOCK}, left));
    closeSync(fd);`;
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, path, String(bytes)], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writing the test file failed (${code})`))));
  });
  // A short write (disk full) should show up here, not as an upload error.
  const handle = await open(path, 'r');
  const { size: written } = await handle.stat();
  await handle.close();
  if (written !== bytes) throw new Error(`test file is ${written} bytes, expected ${bytes}`);
}

/** The mock server in discard mode, in its own process. */
async function startServer() {
  const wan = [];
  if (values['latency-ms']) wan.push('--latency-ms', values['latency-ms']);
  if (values.bandwidth) wan.push('--bandwidth', String(parseSize(values.bandwidth)));
  const child = spawn(process.execPath, [join(HERE, 'mock-server-process.mjs'), '--discard', '--bucket', BUCKET, ...wan], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OSS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, OSS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret },
  });
  const url = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening on (\S+)$/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(|B|KiB|KB|MiB|MB|GiB|GB|TiB|TB)$/i.exec(String(text).trim());
  if (!match) throw new Error(`${JSON.stringify(text)} is not a size (e.g. 4GiB, 512MiB, 1048576)`);
  const unit = { '': 0, b: 0, kib: 1, kb: 1, mib: 2, mb: 2, gib: 3, gb: 3, tib: 4, tb: 4 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * 1024 ** unit);
}

function round(value) {
  return Math.round(value * 100) / 100;
}
