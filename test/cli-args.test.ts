// Argument parsing helpers of the CLI: sizes, durations, oss:// URLs, pairs and strict flags.
import t from 'tap';
import { parseCommandArgs, parseDuration, parseObjectUrl, parseOssUrl, parsePairs, parsePositiveInt, parseSize, parseUploadDestination, requirePositionals, UsageError } from '../lib/cli/args.js';
import { defaultStateDir, credentialsFromEnv, resolveClientSettings, secretValues } from '../lib/cli/config.js';

t.test('parseSize: plain bytes, binary units for both KB and KiB spellings, decimals', async (t) => {
  t.equal(parseSize('1048576'), 1048576);
  t.equal(parseSize('8MiB'), 8 * 1024 * 1024);
  t.equal(parseSize('8MB'), 8 * 1024 * 1024);
  t.equal(parseSize('512KB'), 512 * 1024);
  t.equal(parseSize('100kb'), 102400, 'the OSS minimum part size, as OSS documents it');
  t.equal(parseSize('1.5GiB'), 1.5 * 1024 ** 3);
  t.equal(parseSize('2 g'), 2 * 1024 ** 3);
  t.equal(parseSize('7b'), 7);
  for (const bad of ['', 'MiB', '8XB', '-1', '1e6', '8 MiB extra']) {
    t.throws(() => parseSize(bad, '--part-size'), UsageError, `rejects ${JSON.stringify(bad)}`);
  }
  t.throws(() => parseSize('8XB', '--part-size'), /--part-size "8XB" is not a size/);
});

t.test('parseDuration: units and compounds, a unit is required', async (t) => {
  t.equal(parseDuration('24h'), 24 * 3_600_000);
  t.equal(parseDuration('30m'), 30 * 60_000);
  t.equal(parseDuration('7d'), 7 * 86_400_000);
  t.equal(parseDuration('0s'), 0);
  t.equal(parseDuration('1h30m'), 90 * 60_000);
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('1w'), 7 * 86_400_000);
  for (const bad of ['', '24', 'h', '1h 30m', '3y', '-1h']) {
    t.throws(() => parseDuration(bad), UsageError, `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('parseOssUrl / parseObjectUrl', async (t) => {
  t.same(parseOssUrl('oss://bucket/dir/file.bin'), { bucket: 'bucket', key: 'dir/file.bin' });
  t.same(parseOssUrl('oss://bucket'), { bucket: 'bucket', key: '' });
  t.same(parseOssUrl('oss://bucket/'), { bucket: 'bucket', key: '' });
  t.same(parseOssUrl('oss://bkt/a%20b/ c'), { bucket: 'bkt', key: 'a%20b/ c' }, 'keys are literal');
  t.throws(() => parseOssUrl('s3://bucket/key'), /not an oss:\/\/ URL/);
  t.throws(() => parseOssUrl('bucket/key'), UsageError);
  t.throws(() => parseObjectUrl('oss://bucket/'), /names no object; write oss:\/\/bucket\/<key>/);
  t.throws(() => parseOssUrl('oss://B/k'), UsageError, 'an invalid bucket is a usage error');
  t.throws(() => parseObjectUrl('oss://bucket//k'), UsageError, 'an invalid key is a usage error');
  t.same(parseUploadDestination('oss://bucket/dir/', 'x/mid.bin'), { bucket: 'bucket', key: 'dir/mid.bin' }, 'a directory, as ossutil');
  t.same(parseUploadDestination('oss://bucket', 'x/mid.bin'), { bucket: 'bucket', key: 'mid.bin' }, 'the bucket root');
  t.same(parseUploadDestination('oss://bucket/k', 'x/mid.bin'), { bucket: 'bucket', key: 'k' });
});

t.test('parsePairs and parsePositiveInt', async (t) => {
  t.same(parsePairs(['a=1', 'b = x=y'], '=', '--meta'), { a: '1', b: 'x=y' });
  t.same(parsePairs(['Cache-Control: no-cache', 'x-oss-storage-class:IA'], ':', '--header'), { 'Cache-Control': 'no-cache', 'x-oss-storage-class': 'IA' });
  t.same(parsePairs(undefined, '=', '--meta'), {});
  t.throws(() => parsePairs(['novalue'], '=', '--meta'), /--meta "novalue" must look like name=value/);
  t.throws(() => parsePairs(['=v'], '=', '--meta'), UsageError);
  t.equal(parsePositiveInt('4', '--parallel'), 4);
  for (const bad of ['0', '-2', '1.5', 'four', '']) t.throws(() => parsePositiveInt(bad, '--parallel'), UsageError);
});

t.test('parseCommandArgs turns parseArgs errors into usage errors for the command', async (t) => {
  const options = { parallel: { type: 'string' }, json: { type: 'boolean' } } as const;
  const parsed = parseCommandArgs('upload', ['a', '--parallel', '3', 'b', '--json'], options);
  t.same(parsed.positionals, ['a', 'b']);
  t.equal(parsed.values.parallel, '3');
  t.equal(parsed.values.json, true);
  const error = t.throws(() => parseCommandArgs('upload', ['--nope'], options)) as UsageError;
  t.equal(error.command, 'upload');
  t.equal(error.message, "Unknown option '--nope'");
  t.throws(() => parseCommandArgs('upload', ['--parallel'], options), UsageError);
  t.throws(() => requirePositionals('upload', ['a'], ['file', 'oss://bucket/key']), /missing <oss:\/\/bucket\/key>/);
  t.throws(() => requirePositionals('upload', ['a', 'b', 'c'], ['file', 'url']), /unexpected argument "c"/);
});

t.test('config: endpoint, region and credentials from flags and env; state dir', async (t) => {
  const env = { OSS_ENDPOINT: 'http://127.0.0.1:1', OSS_REGION: 'cn-hangzhou', OSS_ACCESS_KEY_ID: 'id', OSS_ACCESS_KEY_SECRET: 'secret-value', OSS_SESSION_TOKEN: 'token-value' };
  const fromEnv = resolveClientSettings({}, env, 'upload');
  t.same(fromEnv, {
    endpoint: 'http://127.0.0.1:1',
    region: 'cn-hangzhou',
    signatureVersion: undefined,
    credentials: { accessKeyId: 'id', accessKeySecret: 'secret-value', securityToken: 'token-value' },
    retry: {},
    timeouts: {},
  });
  const fromFlags = resolveClientSettings({ endpoint: 'http://h:2', region: 'r', 'sign-version': 'v1' }, env, 'upload');
  t.equal(fromFlags.endpoint, 'http://h:2');
  t.equal(fromFlags.region, 'r');
  t.equal(fromFlags.signatureVersion, 'v1');
  t.throws(() => resolveClientSettings({ 'sign-version': 'v3' }, env, 'upload'), /--sign-version "v3" must be v1 or v4/);
  t.throws(() => resolveClientSettings({ 'sign-version': 'v4' }, { ...env, OSS_REGION: '' }, 'upload'), /--sign-version v4 needs a region/);
  t.equal(resolveClientSettings({ 'sign-version': 'v4', endpoint: 'oss-cn-beijing.aliyuncs.com' }, { ...env, OSS_REGION: '' }, 'upload').region, undefined, 'the client derives the region from the endpoint');
  t.throws(() => resolveClientSettings({}, { ...env, OSS_ENDPOINT: '' }, 'upload'), /no endpoint; pass --endpoint or set OSS_ENDPOINT/);
  t.throws(() => credentialsFromEnv({ OSS_ACCESS_KEY_ID: 'id' }, 'upload'), /set OSS_ACCESS_KEY_SECRET in the environment/);
  t.throws(() => credentialsFromEnv({}, 'upload'), /set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET/);
  t.same(secretValues(env), ['secret-value', 'token-value']);
  t.equal(defaultStateDir({ XDG_STATE_HOME: '/x/state' }, '/home/u'), '/x/state/oss-resumable');
  t.equal(defaultStateDir({}, '/home/u'), '/home/u/.local/state/oss-resumable');
  t.equal(defaultStateDir({ XDG_STATE_HOME: 'relative' }, '/home/u'), '/home/u/.local/state/oss-resumable', 'relative XDG paths are ignored');
});
