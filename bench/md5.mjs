// MD5 microbenchmark: CPU seconds per GiB of one core for hash-wasm's MD5 (what the client used
// before the kernel, and the fallback), node:crypto's, and the multi-buffer kernel of
// lib/hash/md5-lanes.ts with 1 to 4 of its lanes busy (and its forced scalar fallback). The data
// is 4 messages of 8 MiB fed in 1 MiB chunks, round-robin for the lanes, as the engine feeds
// parts; the copy into wasm memory is included. Each variant runs in its own process, pinned to
// CPU 0 with taskset where there is one, in rotating order; the table shows medians of --runs.
//   npm run build && node bench/md5.mjs [--runs 5] [--gib 0.5]
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const MESSAGE_BYTES = 8 * MiB;
const CHUNK_BYTES = MiB;
const SCRIPT = fileURLToPath(import.meta.url);

const VARIANTS = [
  { name: 'hash-wasm createMD5', kind: 'hash-wasm' },
  { name: 'node:crypto MD5', kind: 'node-crypto' },
  { name: 'md5-lanes, 4 of 4 lanes busy', kind: 'lanes', busy: 4 },
  { name: 'md5-lanes, 3 of 4 lanes busy', kind: 'lanes', busy: 3 },
  { name: 'md5-lanes, 2 of 4 lanes busy', kind: 'lanes', busy: 2 },
  { name: 'md5-lanes, 1 of 4 lanes busy', kind: 'lanes', busy: 1 },
  { name: 'md5-lanes forceScalar (4 hash-wasm), 4 busy', kind: 'lanes', busy: 4, forceScalar: true },
];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    gib: { type: 'string', default: '0.5' },
    child: { type: 'string' },
  },
  strict: true,
});
const gib = Number(values.gib);

if (values.child !== undefined) {
  const variant = VARIANTS[Number(values.child)];
  console.log(JSON.stringify(await measure(variant, gib)));
} else {
  await main();
}

async function main() {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs} must be a whole number of at least 1`);
  const pinned = spawnSync('taskset', ['--version']).error === undefined;
  const results = VARIANTS.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (let step = 0; step < VARIANTS.length; step++) {
      const index = (run + step) % VARIANTS.length; // rotating order: no variant always runs first
      const command = pinned ? ['taskset', '-c', '0', process.execPath] : [process.execPath];
      const child = spawnSync(command[0], [...command.slice(1), SCRIPT, '--child', String(index), '--gib', String(gib)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${VARIANTS[index].name}: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').pop());
      results[index].push(result);
      process.stderr.write(`run ${run + 1}/${runs} ${VARIANTS[index].name}: ${result.coreSecondsPerGiB.toFixed(3)} core-s/GiB${result.simd === false ? ' (scalar)' : ''}\n`);
    }
  }
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${pinned ? 'pinned to CPU 0 (taskset)' : 'not pinned (no taskset)'}, ${gib} GiB per run, ${runs} runs\n`);
  console.log('| variant | core-s/GiB (median) | min–max | vs hash-wasm |');
  console.log('|---|---|---|---|');
  const medianOf = (list) => median(list.map((r) => r.coreSecondsPerGiB));
  const baseline = medianOf(results[0]);
  VARIANTS.forEach((variant, i) => {
    const figures = results[i].map((r) => r.coreSecondsPerGiB);
    console.log(`| ${variant.name} | ${medianOf(results[i]).toFixed(2)} | ${Math.min(...figures).toFixed(2)}–${Math.max(...figures).toFixed(2)} | ${(medianOf(results[i]) / baseline).toFixed(2)}× |`);
  });
}

/** Hashes `busy` messages of 8 MiB (all 4 for the single-message hashers) until `gib` GiB are done. */
async function measure(variant, gib) {
  const messages = Array.from({ length: 4 }, () => randomFillSync(Buffer.allocUnsafe(MESSAGE_BYTES)));
  const pass = await passFor(variant, messages);
  pass(); // warm-up: compiles, and lets V8 tier the wasm up
  pass();
  const bytesPerPass = (variant.busy ?? messages.length) * MESSAGE_BYTES;
  const passes = Math.max(1, Math.round((gib * GiB) / bytesPerPass));
  const before = process.cpuUsage();
  for (let i = 0; i < passes; i++) pass();
  const used = process.cpuUsage(before);
  return { coreSecondsPerGiB: (used.user + used.system) / 1e6 / ((passes * bytesPerPass) / GiB), simd: pass.simd };
}

async function passFor(variant, messages) {
  const chunksOf = (message) => Array.from({ length: MESSAGE_BYTES / CHUNK_BYTES }, (_, i) => message.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  const chunked = messages.map(chunksOf);
  if (variant.kind === 'hash-wasm') {
    const { createMD5 } = await import('../dist/hash/wasm-builds.js');
    const hasher = await createMD5();
    return () => {
      for (const chunks of chunked) {
        hasher.init();
        for (const chunk of chunks) hasher.update(chunk);
        hasher.digest('binary');
      }
    };
  }
  if (variant.kind === 'node-crypto') {
    return () => {
      for (const chunks of chunked) {
        const hash = createHash('md5');
        for (const chunk of chunks) hash.update(chunk);
        hash.digest();
      }
    };
  }
  const { createMd5Lanes } = await import('../dist/hash/md5-lanes.js');
  const lanes = await createMd5Lanes({ forceScalar: variant.forceScalar === true });
  const busy = chunked.slice(0, variant.busy);
  const pass = () => {
    for (let i = 0; i < MESSAGE_BYTES / CHUNK_BYTES; i++) lanes.update(busy.map((chunks) => chunks[i]));
    for (let lane = 0; lane < busy.length; lane++) lanes.digest(lane);
  };
  pass.simd = lanes.simd;
  return pass;
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
