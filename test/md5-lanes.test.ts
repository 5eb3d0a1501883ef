// The multi-buffer MD5 (lib/hash/md5-lanes.ts) against node:crypto, the test-only oracle: the
// SIMD128 kernel and the forced scalar fallback run the same properties. Lengths around the
// padding boundaries and large ones, mixed-length lane sets, chunk boundaries at every offset
// mod 64, lanes that start, finish and reset in different rounds (so a lane's state moves
// between the 4-lane and the scalar code at block boundaries), and seeded random schedules.
import t from 'tap';
import { createHash, type Hash } from 'node:crypto';
import { createMd5Lanes, NO_SIMD_ENV, simdSupported, type Md5Lanes } from '../lib/hash/md5-lanes.js';
import { seededBytes, seededRandom } from './helpers/seeded.js';

const MiB = 1024 * 1024;
const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, MiB, 8 * MiB + 3];
/** Random schedules per mode; a failure names its seed, and `SEED=n` reruns that one alone. */
const SEEDS = process.env.SEED ? [Number(process.env.SEED)] : Array.from({ length: 60 }, (_, i) => 1000 + i);

const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const hex = (digest: Uint8Array) => Buffer.from(digest).toString('hex');

const modes = [
  { name: 'SIMD128 kernel', forceScalar: false, skip: simdSupported() ? false : 'this runtime has no WebAssembly SIMD' },
  { name: 'scalar fallback (forceScalar)', forceScalar: true, skip: false },
] as const;

for (const mode of modes) {
  t.test(mode.name, { skip: mode.skip }, async (t) => {
    const open = () => createMd5Lanes({ forceScalar: mode.forceScalar });

    t.test('uses the implementation asked for', async (t) => {
      const lanes = await open();
      t.equal(lanes.width, 4);
      t.equal(lanes.simd, !mode.forceScalar);
    });

    t.test('lengths around the padding boundaries and large ones, each lane a different length', async (t) => {
      const lanes = await open();
      const messages = LENGTHS.map((length, i) => seededBytes(length, 7 + i));
      // Round r gives lane i message r + i: every length meets every other lane position.
      for (let round = 0; round < LENGTHS.length; round++) {
        const batch = [0, 1, 2, 3].map((lane) => messages[(round + lane) % messages.length]);
        lanes.update(batch);
        for (let lane = 0; lane < 4; lane++) {
          t.equal(hex(lanes.digest(lane)), md5Hex(batch[lane]), `round ${round} lane ${lane}: ${batch[lane].length} bytes`);
        }
      }
    });

    t.test('messages over 2^29 bytes, whose length in bits needs the high word (a part may be 5 GiB)', async (t) => {
      const lanes = await open();
      const chunk = seededBytes(MiB, 12);
      const prefix = createHash('md5');
      for (let i = 0; i < 512; i++) {
        lanes.update([undefined, chunk, chunk]);
        prefix.update(chunk);
      }
      const tails = [Buffer.from('abc'), Buffer.from('0123456789')];
      lanes.update([undefined, ...tails]);
      for (const [i, tail] of tails.entries()) {
        t.equal(hex(lanes.digest(i + 1)), prefix.copy().update(tail).digest('hex'), `512 MiB + ${tail.length} bytes`);
      }
    });

    t.test('chunk boundaries at every offset mod 64, different in each lane', async (t) => {
      const lanes = await open();
      const message = seededBytes(64 * 5 + 17, 42);
      const expected = md5Hex(message);
      const failures: string[] = [];
      for (let offset = 0; offset < 128; offset++) {
        // Lane i cuts at offset + 16 i, then after a 64-byte chunk and a 1-byte chunk.
        const cuts = [0, 1, 2, 3].map((lane) => (offset + 16 * lane) % 128);
        const pieces = cuts.map((cut) => [message.subarray(0, cut), message.subarray(cut, cut + 64), message.subarray(cut + 64, cut + 65), message.subarray(cut + 65)]);
        for (let piece = 0; piece < 4; piece++) lanes.update(pieces.map((lanePieces) => lanePieces[piece]));
        for (let lane = 0; lane < 4; lane++) {
          const got = hex(lanes.digest(lane));
          if (got !== expected) failures.push(`offset ${offset} lane ${lane} (cut at ${cuts[lane]})`);
        }
      }
      t.same(failures, [], `${128 * 4} digests of one message cut at every offset`);
    });

    t.test('a lane alone, then joined by others, then alone again (state moves between SIMD and scalar)', async (t) => {
      const lanes = await open();
      const long = seededBytes(300 * 1024 + 5, 3);
      const others = [1, 2, 3].map((lane) => seededBytes(40 * 1024 + lane * 999, 50 + lane));
      const chunk = 4096 + 7;
      const started = [0, 0, 0, 0];
      for (let round = 0, at = 0; at < long.length; round++, at += chunk) {
        const batch: Array<Uint8Array | undefined> = [long.subarray(at, at + chunk)];
        for (const lane of [1, 2, 3]) {
          // Lane n joins in round 5 n and leaves when its message is done.
          if (round < 5 * lane) continue;
          const from = (round - 5 * lane) * 1000;
          const message = others[lane - 1];
          if (from < message.length) batch[lane] = message.subarray(from, from + 1000);
          else if (from < message.length + 1000) {
            t.equal(hex(lanes.digest(lane)), md5Hex(message), `lane ${lane}, joined in round ${5 * lane}, done in round ${round}`);
            started[lane] = 1;
          }
        }
        lanes.update(batch);
      }
      t.same(started, [0, 1, 1, 1], 'every other lane finished while lane 0 went on');
      t.equal(hex(lanes.digest(0)), md5Hex(long), 'the lane that ran throughout');
    });

    t.test('reset drops a message mid-way; the lane then hashes a new one', async (t) => {
      const lanes = await open();
      const kept = seededBytes(10_000, 5);
      const dropped = seededBytes(7_777, 6);
      const fresh = seededBytes(333, 8);
      lanes.update([kept.subarray(0, 5000), dropped]);
      lanes.reset(1);
      lanes.update([kept.subarray(5000), fresh]);
      t.equal(hex(lanes.digest(0)), md5Hex(kept), 'the other lane is untouched');
      t.equal(hex(lanes.digest(1)), md5Hex(fresh), 'the reset lane hashes only what came after');
      lanes.reset(2);
      t.equal(hex(lanes.digest(2)), md5Hex(new Uint8Array(0)), 'a reset idle lane is an empty message');
    });

    t.test('bytes are copied: the caller may overwrite its buffers at once', async (t) => {
      const lanes = await open();
      const original = seededBytes(1000, 9);
      const buffer = Buffer.from(original);
      lanes.update([buffer, buffer.subarray(0, 100)]);
      buffer.fill(0xee);
      t.equal(hex(lanes.digest(0)), md5Hex(original));
      t.equal(hex(lanes.digest(1)), md5Hex(original.subarray(0, 100)));
    });

    t.test('short, sparse and empty chunk lists; digest resets the lane', async (t) => {
      const lanes = await open();
      const message = seededBytes(200, 10);
      lanes.update([]);
      lanes.update([undefined, undefined, message.subarray(0, 70)]);
      lanes.update([, , message.subarray(70, 71), undefined]);
      lanes.update([undefined, undefined, new Uint8Array(0)]);
      lanes.update([undefined, undefined, message.subarray(71)]);
      t.equal(hex(lanes.digest(2)), md5Hex(message));
      t.equal(hex(lanes.digest(2)), md5Hex(new Uint8Array(0)), 'a second digest is of a new, empty message');
      t.equal(hex(lanes.digest(3)), md5Hex(new Uint8Array(0)), 'an untouched lane');
    });

    t.test('lanes outside 0..3 and more than 4 chunks are refused', async (t) => {
      const lanes = await open();
      for (const lane of [-1, 4, 1.5, Number.NaN]) {
        t.throws(() => lanes.digest(lane), RangeError, `digest(${lane})`);
        t.throws(() => lanes.reset(lane), RangeError, `reset(${lane})`);
      }
      t.throws(() => lanes.update([undefined, undefined, undefined, undefined, new Uint8Array(1)]), RangeError);
    });

    t.test(`random schedules (${SEEDS.length} seeds)`, async (t) => {
      const lanes = await open();
      let digests = 0;
      for (const seed of SEEDS) {
        const result = runSchedule(lanes, seed);
        digests += result.digests;
        t.same(result.failures, [], `seed ${seed} (rerun alone with SEED=${seed})`);
      }
      t.ok(digests > SEEDS.length * 10, `${digests} digests compared`);
    });
  });
}

t.test(`${NO_SIMD_ENV}=1 forces the fallback for the whole process`, async (t) => {
  const saved = process.env[NO_SIMD_ENV];
  t.teardown(() => {
    if (saved === undefined) delete process.env[NO_SIMD_ENV];
    else process.env[NO_SIMD_ENV] = saved;
  });
  const message = seededBytes(1234, 11);
  process.env[NO_SIMD_ENV] = '1';
  const forced = await createMd5Lanes();
  t.equal(forced.simd, false, 'scalar while the variable is set');
  forced.update([message]);
  t.equal(hex(forced.digest(0)), md5Hex(message));
  process.env[NO_SIMD_ENV] = '0';
  t.equal((await createMd5Lanes()).simd, simdSupported(), "'0' leaves the choice to the runtime");
});

/**
 * One seeded schedule: 60 rounds in which each lane, independently, idles, takes a chunk of a
 * random size (mostly small, sometimes crossing slices of the kernel's buffer), finishes its
 * message or drops it; node:crypto follows every lane alongside.
 */
function runSchedule(lanes: Md5Lanes, seed: number): { failures: string[]; digests: number } {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const oracle: Hash[] = [0, 1, 2, 3].map(() => createHash('md5'));
  const lengths = [0, 0, 0, 0];
  const failures: string[] = [];
  let digests = 0;
  for (let round = 0; round < 60; round++) {
    const batch: Array<Uint8Array | undefined> = [];
    for (let lane = 0; lane < 4; lane++) {
      const action = random();
      if (action < 0.2) continue; // idle this round
      if (action < 0.3) {
        const got = hex(lanes.digest(lane));
        const expected = oracle[lane].digest('hex');
        if (got !== expected) failures.push(`round ${round} lane ${lane}: ${lengths[lane]} bytes, got ${got}, expected ${expected}`);
        digests++;
        oracle[lane] = createHash('md5');
        lengths[lane] = 0;
        continue;
      }
      if (action < 0.33) {
        lanes.reset(lane);
        oracle[lane] = createHash('md5');
        lengths[lane] = 0;
        continue;
      }
      const size = random() < 0.03 ? 256 * 1024 + pick(300 * 1024) : random() < 0.3 ? pick(8192) : pick(200);
      const chunk = seededBytes(size, seed * 1000 + round * 4 + lane);
      oracle[lane].update(chunk);
      lengths[lane] += size;
      batch[lane] = chunk;
    }
    lanes.update(batch);
  }
  for (let lane = 0; lane < 4; lane++) {
    const got = hex(lanes.digest(lane));
    const expected = oracle[lane].digest('hex');
    if (got !== expected) failures.push(`end lane ${lane}: ${lengths[lane]} bytes, got ${got}, expected ${expected}`);
    digests++;
  }
  return { failures, digests };
}
