// `oss-resumable serve`: flags, the single "listening on" line, credentials that are never
// printed, faults from the command line, and a clean stop on abort, SIGTERM and SIGINT.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { runServe } from '../lib/cli/serve.js';
import { signRequest } from '../lib/signer/index.js';
import type { Credentials } from '../lib/signer/types.js';
import { pathFor, xmlField } from './mock-server-helpers.js';

class Captured extends PassThrough {
  text = '';
  constructor() {
    super();
    this.setEncoding('utf8');
    this.on('data', (chunk: string) => (this.text += chunk));
  }
  async line(pattern: RegExp): Promise<RegExpExecArray> {
    for (let i = 0; i < 200; i++) {
      const match = pattern.exec(this.text);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no line matching ${pattern} in ${JSON.stringify(this.text)}`);
  }
}

function io(env: NodeJS.ProcessEnv = {}) {
  const controller = new AbortController();
  return { stdout: new Captured(), stderr: new Captured(), env, signal: controller.signal, stop: () => controller.abort() };
}

async function put(url: string, bucket: string, key: string, creds: Credentials, body: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  signRequest({ method: 'PUT', bucket, key, query: {}, headers }, creds, new Date(), { version: 'v1' });
  const response = await request(`${url}${pathFor(bucket, key)}`, { method: 'PUT', headers, body });
  return { status: response.statusCode, text: await response.body.text() };
}

t.test('--help and usage errors', async (t) => {
  const help = io();
  t.equal(await runServe(['--help'], help), 0);
  t.match(help.stdout.text, /^Usage: oss-resumable serve \[options\]/);
  t.match(help.stdout.text, /--fault SPEC/);

  for (const argv of [['--bogus'], ['--port', 'eighty'], ['--port', '70000'], ['--fault', 'UploadPart:explode'], ['--access-key-id', 'only-id'], ['--bandwidth', 'fast'], ['--restore-delay-ms', 'soon'], ['extra']]) {
    const bad = io();
    t.equal(await runServe(argv, bad), 2, argv.join(' '));
    t.match(bad.stderr.text, /^oss-resumable serve: .+\nRun 'oss-resumable serve --help'/, argv.join(' '));
    t.equal(bad.stdout.text, '');
  }
  const halfEnv = io({ OSS_ACCESS_KEY_ID: 'id-only' });
  t.equal(await runServe([], halfEnv), 2);
  t.match(halfEnv.stderr.text, /OSS_ACCESS_KEY_SECRET/);
});

t.test('serves with flag credentials and buckets, applies --fault, stops on abort', async (t) => {
  const secret = 'flag-secret-value-1234';
  const run = io();
  const exit = runServe(['--port', '0', '--bucket', 'alpha-bucket', '--bucket', 'beta-bucket', '--access-key-id', 'flag-id', '--access-key-secret', secret, '--fault', 'PutObject:error:503:SlowDown', '--log'], run);
  const [, url] = await run.stdout.line(/^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/);
  const creds = { accessKeyId: 'flag-id', accessKeySecret: secret };

  const first = await put(url!, 'beta-bucket', 'k.txt', creds, 'hello');
  t.equal(first.status, 503, 'the --fault rule fires once');
  t.equal(xmlField(first.text, 'Code'), 'SlowDown');
  t.equal((await put(url!, 'beta-bucket', 'k.txt', creds, 'hello')).status, 200);
  t.equal((await put(url!, 'alpha-bucket', 'k.txt', creds, 'hello')).status, 200);
  t.equal(xmlField((await put(url!, 'test-bucket', 'k.txt', creds, 'hello')).text, 'Code'), 'NoSuchBucket', 'only the named buckets exist');
  t.equal(xmlField((await put(url!, 'beta-bucket', 'k.txt', { ...creds, accessKeySecret: 'wrong' }, 'x')).text, 'Code'), 'SignatureDoesNotMatch');

  run.stop();
  t.equal(await exit, 0);
  t.equal(run.stdout.text.split('\n').filter(Boolean).length, 1, 'stdout has exactly the listening line');
  t.match(run.stderr.text, /PUT \/beta-bucket\/k\.txt PutObject 503/, '--log prints request lines');
  t.match(run.stderr.text, /access key ID flag-id/);
  t.notMatch(run.stderr.text + run.stdout.text, new RegExp(secret), 'the secret is never printed');
  await t.rejects(request(url!), 'the server no longer accepts connections');
});

t.test('environment credentials (with an STS token) and a kept data dir', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'serve-data-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const env = { OSS_ACCESS_KEY_ID: 'env-id', OSS_ACCESS_KEY_SECRET: 'env-secret-value', OSS_SESSION_TOKEN: 'env-token-value' };
  const run = io(env);
  const exit = runServe(['--data-dir', dataDir], run);
  const [, url] = await run.stdout.line(/^listening on (http:\/\/[^\s]+)\n$/);
  t.equal((await put(url!, 'test-bucket', 'kept.txt', { accessKeyId: 'env-id', accessKeySecret: 'env-secret-value', securityToken: 'env-token-value' }, 'kept')).status, 200);
  t.equal(xmlField((await put(url!, 'test-bucket', 'x.txt', { accessKeyId: 'env-id', accessKeySecret: 'env-secret-value' }, 'x')).text, 'Code'), 'InvalidSecurityToken');
  run.stop();
  t.equal(await exit, 0);
  t.notMatch(run.stderr.text, /env-secret-value|env-token-value/);
  t.ok((await readdir(join(dataDir, 'buckets', 'test-bucket', 'objects'))).length > 0, 'a given --data-dir is kept');
});

t.test('--restore-delay-ms sets how long RestoreObject takes', async (t) => {
  const run = io();
  const exit = runServe(['--restore-delay-ms', '0'], run);
  const [, url] = await run.stdout.line(/^listening on (http:\/\/[^\s]+)\n$/);
  const creds = { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' };
  const call = async (method: 'PUT' | 'POST' | 'GET', query: Record<string, string>, headers: Record<string, string> = {}, body?: string): Promise<number> => {
    signRequest({ method, bucket: 'test-bucket', key: 'cold.txt', query, headers }, creds, new Date(), { version: 'v1' });
    const qs = Object.keys(query).length ? `?${Object.keys(query).join('&')}` : '';
    const response = await request(`${url}${pathFor('test-bucket', 'cold.txt')}${qs}`, { method, headers, body });
    await response.body.dump();
    return response.statusCode;
  };
  t.equal(await call('PUT', {}, { 'content-type': 'text/plain', 'x-oss-storage-class': 'Archive' }, 'cold'), 200);
  t.equal(await call('GET', {}), 403, 'archived');
  t.equal(await call('POST', { restore: '' }), 202);
  t.equal(await call('GET', {}), 200, 'readable at once with --restore-delay-ms 0');
  run.stop();
  t.equal(await exit, 0);
});

t.test('a port in use is exit code 1', async (t) => {
  const first = io();
  const exit = runServe([], first);
  const [, port] = await first.stdout.line(/:(\d+)\n$/);
  const second = io();
  t.equal(await runServe(['--port', port!], second), 1);
  t.match(second.stderr.text, /could not start/);
  first.stop();
  t.equal(await exit, 0);
});

t.test('as its own process it stops cleanly on SIGTERM and SIGINT', async (t) => {
  const serveModule = pathToFileURL(fileURLToPath(new URL('../lib/cli/serve.ts', import.meta.url))).href;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // The child runs the TypeScript source through the same loader as this test.
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--input-type=module', '-e', `import { runServe } from ${JSON.stringify(serveModule)}; process.exitCode = await runServe(process.argv.slice(1));`, '--', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.endsWith('\n')) child.kill(signal);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code, killedBy] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    t.match(stdout, /^listening on http:\/\/127\.0\.0\.1:\d+\n$/, `${signal}: one listening line`);
    t.equal(code, 0, `${signal}: exit code 0`);
    t.equal(killedBy, null, `${signal}: handled, not killed`);
    t.match(stderr, /mock OSS: stopped/);
  }
});
