#!/usr/bin/env node
// Rebuilds lib/hash/simd/md5x4.wasm from md5x4.c, reproducibly: pinned flags, the pinned clang,
// no debug info (so no paths), and every custom section (producers: the compiler's name and
// version) dropped. A fresh clone and CI use the committed .wasm and need no wasm toolchain;
// test/md5x4-build.test.ts checks that the committed file is what this builds.
//
//   node scripts/build-md5x4.mjs               # writes lib/hash/simd/md5x4.wasm
//   node scripts/build-md5x4.mjs --out FILE    # writes FILE instead
//   ... --any-clang                            # builds with another clang than the pinned one
//
// Toolchain (Debian): apt-get install -y clang lld
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = 'lib/hash/simd/md5x4.c';
const TARGET = 'lib/hash/simd/md5x4.wasm';
/** The compiler the committed binary was built with (another version may emit other code). */
const PINNED_CLANG = 'clang version 14.0.6';
/** Exit code when the installed clang is not the pinned one (the build test skips on it). */
const OTHER_CLANG = 3;
const FLAGS = [
  '--target=wasm32',
  '-msimd128',
  '-O3',
  '-nostdlib',
  '-ffreestanding',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--strip-all',
  '-Wl,-z,stack-size=16384',
];

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : join(ROOT, TARGET);

const version = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
if (!version.includes(PINNED_CLANG) && !args.includes('--any-clang')) {
  console.error(`build-md5x4: ${JSON.stringify(version)} is not the pinned ${PINNED_CLANG} (--any-clang to build anyway)`);
  process.exit(OTHER_CLANG);
}

const dir = mkdtempSync(join(tmpdir(), 'md5x4-'));
try {
  const built = join(dir, 'md5x4.wasm');
  execFileSync('clang', [...FLAGS, '-o', built, SOURCE], { cwd: ROOT, stdio: 'inherit' });
  writeFileSync(out, withoutCustomSections(readFileSync(built)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The module with its custom sections (id 0) left out; the others are copied as they are. */
function withoutCustomSections(bytes) {
  const kept = [bytes.subarray(0, 8)]; // magic and version
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    at += size;
    if (id !== 0) kept.push(bytes.subarray(start, at));
  }
  return Buffer.concat(kept);
}
