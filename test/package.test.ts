// What a consumer installs: the tarball's files (a LICENSE, no source maps pointing at sources
// that are not shipped), and the typed API as its declaration files show it (every type a public
// signature mentions is exported; exported classes and their public members have JSDoc).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspectDeclarations } from './helpers/declarations.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

t.test('the tarball: LICENSE, README, dist; no .js.map files', async (t) => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
  const files = pack!.files.map((f) => f.path);
  t.ok(files.includes('LICENSE'), 'LICENSE is shipped');
  t.ok(files.includes('README.md'));
  t.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), 'the build is shipped (npm test builds it first)');
  t.ok(files.includes('dist/hash/simd/md5x4.wasm'), 'the MD5 kernel is shipped beside the module that loads it (npm run build copies it)');
  t.same(files.filter((f) => f.endsWith('.map')), [], 'no source maps pointing at lib/*.ts, which is not shipped');
  t.same(files.filter((f) => f.startsWith('lib/') || f.startsWith('test/')), [], 'no sources or tests');
  // npm 11 warns a consumer about any install-time script, even one it does not run for a registry package.
  const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  t.same(Object.keys(scripts).filter((name) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(name)), [], 'no install-time scripts (the build runs on prepack)');
});

t.test('the built package loads its SIMD MD5 kernel', async (t) => {
  const { createMd5Lanes } = (await import(`${ROOT}dist/hash/md5-lanes.js`)) as typeof import('../lib/hash/md5-lanes.js');
  const lanes = await createMd5Lanes();
  t.equal(lanes.simd, true, 'Node 20 has WebAssembly SIMD, so the kernel from dist/ is in use');
  const message = Buffer.from('a message of 70 bytes, so more than one MD5 block of 64 bytes, padded.');
  lanes.update([message]);
  t.equal(Buffer.from(lanes.digest(0)).toString('hex'), createHash('md5').update(message).digest('hex'));
});

for (const entry of ['dist/index.d.ts', 'dist/mock-server/index.d.ts']) {
  t.test(`${entry}: every type a public signature mentions is exported`, async (t) => {
    const report = inspectDeclarations(`${ROOT}${entry}`, ROOT);
    t.same(report.unexportedTypes, [], 'e.g. RetryOptions of OssClientOptions.retry');
  });
}

t.test('JSDoc on the public members a user reads first', async (t) => {
  const undocumented = new Set([...inspectDeclarations(`${ROOT}dist/index.d.ts`, ROOT).undocumented, ...inspectDeclarations(`${ROOT}dist/mock-server/index.d.ts`, ROOT).undocumented]);
  for (const member of [
    'dist/client.d.ts: OssClient',
    'dist/client.d.ts: OssClient.constructor',
    'dist/client.d.ts: OssClient.putObject',
    'dist/client.d.ts: OssClientOptions.retry',
    'dist/errors.d.ts: OssServiceError.code',
    'dist/errors.d.ts: OssServiceError.requestId',
    'dist/errors.d.ts: OssServiceError.status',
    'dist/errors.d.ts: OssInvalidArgumentError.argument',
    'dist/mock-server/index.d.ts: startMockServer',
  ]) {
    t.notOk(undocumented.has(member), `${member} has JSDoc`);
  }
  t.same([...undocumented].filter((m) => m.startsWith('dist/client.d.ts') || m.startsWith('dist/errors.d.ts')), [], 'the client and the errors are documented throughout');
});
