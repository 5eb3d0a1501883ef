// The ceiling: one signed PutObject streaming the file through undici, no hashing, no parts.
// Whatever a client does on top of this (MD5, CRC-64, part bookkeeping) costs against it.
import { createReadStream } from 'node:fs';
import { request } from 'undici';
import { signRequest } from '../../dist/signer/index.js';
import { encodeKeyPath } from '../../dist/signer/uri-encode.js';
import { contenderArgs, measure, runContender } from './common.mjs';

runContender(async () => {
  const args = await contenderArgs();
  await measure(args.size, async () => {
    const signable = {
      method: 'PUT',
      bucket: args.bucket,
      key: args.key,
      query: {},
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(args.size) },
    };
    signRequest(signable, args.credentials, new Date(), { version: 'v1' });
    const response = await request(`${args.endpoint}/${args.bucket}/${encodeKeyPath(args.key)}`, {
      method: 'PUT',
      headers: signable.headers,
      body: createReadStream(args.file, { highWaterMark: 512 * 1024 }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`PutObject answered ${response.statusCode}: ${text}`);
  });
});
