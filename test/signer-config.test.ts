// Signer configuration: region detection, default version, and the shared credentials refresh.
import t from 'tap';
import { regionFromHost, defaultSignatureVersion, CredentialsCache } from '../lib/signer/index.js';
import { OssInvalidArgumentError } from '../lib/errors.js';

t.test('region from OSS endpoints', async (t) => {
  t.equal(regionFromHost('oss-cn-hangzhou.aliyuncs.com'), 'cn-hangzhou');
  t.equal(regionFromHost('bkt.oss-ap-southeast-1.aliyuncs.com'), 'ap-southeast-1');
  t.equal(regionFromHost('oss-cn-beijing-internal.aliyuncs.com'), 'cn-beijing');
  t.equal(regionFromHost('OSS-US-WEST-1.ALIYUNCS.COM:443'), 'us-west-1');
  t.equal(regionFromHost('oss-accelerate.aliyuncs.com'), undefined);
  t.equal(regionFromHost('127.0.0.1'), undefined);
  t.equal(regionFromHost('oss-cn-hangzhou.aliyuncs.com.evil.example'), undefined);
});

t.test('default signature version', async (t) => {
  t.equal(defaultSignatureVersion('cn-hangzhou'), 'v4');
  t.equal(defaultSignatureVersion(undefined), 'v1');
  t.equal(defaultSignatureVersion('cn-hangzhou', 'v1'), 'v1');
  t.equal(defaultSignatureVersion(undefined, 'v4'), 'v4');
});

t.test('static credentials are validated up front', async (t) => {
  t.throws(() => new CredentialsCache({ accessKeyId: '', accessKeySecret: 'x' }), OssInvalidArgumentError);
  const err = (() => {
    try {
      new CredentialsCache({ accessKeyId: 'id', accessKeySecret: '' });
    } catch (e) {
      return e as Error;
    }
  })();
  t.match(err?.message, /OSS_ACCESS_KEY_SECRET/);
});

t.test('a provider is called once for concurrent requests and again near expiry', async (t) => {
  let calls = 0;
  let expiresIn = 3600_000;
  const cache = new CredentialsCache(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    return { accessKeyId: 'id', accessKeySecret: 'sk', securityToken: `t${calls}`, expiration: new Date(Date.now() + expiresIn) };
  });
  const all = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
  t.equal(calls, 1);
  t.ok(all.every((c) => c.securityToken === 't1'));
  t.equal((await cache.get()).securityToken, 't1', 'cached while far from expiry');
  expiresIn = 60_000; // next credentials expire within the refresh margin
  cache.invalidate();
  t.equal((await cache.get()).securityToken, 't2');
  t.equal((await cache.get()).securityToken, 't3', 'refreshed because it expires within the margin');
  t.equal(calls, 3);
});

t.test('a failing provider rejects every waiter and the next call tries again', async (t) => {
  let fail = true;
  const cache = new CredentialsCache(() => {
    if (fail) throw new Error('sts endpoint down');
    return { accessKeyId: 'id', accessKeySecret: 'sk' };
  });
  const results = await Promise.allSettled([cache.get(), cache.get()]);
  t.ok(results.every((r) => r.status === 'rejected'));
  fail = false;
  t.equal((await cache.get()).accessKeyId, 'id');
});
