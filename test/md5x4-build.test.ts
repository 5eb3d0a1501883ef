// The committed lib/hash/simd/md5x4.wasm is what scripts/build-md5x4.mjs builds from md5x4.c, so
// the binary that ships is the reviewed source. Needs the wasm toolchain (clang and wasm-ld, the
// pinned clang version): skipped where it is absent, as on a CI machine without it.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The build script's exit code for a clang other than the pinned one. */
const OTHER_CLANG = 3;

const dir = mkdtempSync(join(tmpdir(), 'md5x4-build-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const build = (out: string) => spawnSync(process.execPath, ['scripts/build-md5x4.mjs', '--out', out], { cwd: ROOT, encoding: 'utf8' });

const missing = ['clang', 'wasm-ld'].filter((tool) => spawnSync(tool, ['--version']).error !== undefined);
const first = missing.length === 0 ? build(join(dir, 'first.wasm')) : undefined;
const skip = missing.length > 0 ? `no ${missing.join(', ')} on PATH` : first?.status === OTHER_CLANG ? first.stderr.trim() : false;

t.test('the committed kernel is the one the build script makes', { skip }, async (t) => {
  t.equal(first!.status, 0, first!.stderr);
  const built = readFileSync(join(dir, 'first.wasm'));
  const committed = readFileSync(join(ROOT, 'lib/hash/simd/md5x4.wasm'));
  t.ok(built.equals(committed), `lib/hash/simd/md5x4.wasm (${committed.length} bytes) equals a fresh build (${built.length} bytes); run node scripts/build-md5x4.mjs`);
  t.equal(build(join(dir, 'second.wasm')).status, 0);
  t.ok(readFileSync(join(dir, 'second.wasm')).equals(built), 'a second build gives the same bytes');
});
