// The bench's server, in its own process so its CPU never counts against a client:
//   node bench/mock-server-process.mjs [--discard] [--latency-ms N] [--bandwidth BYTES_PER_SEC] [--data-dir DIR]
//                                      [--link-rtt-ms N --link-bandwidth BYTES_PER_SEC [--link-window BYTES] [--link-initial-window BYTES]]
// --link-*: the clients reach the mock through bench/wan-link.mjs, a long fat link (round trip,
// shared bandwidth, per-connection TCP window), run in this process so its CPU counts as the
// server's. --latency-ms/--bandwidth are the mock's own, simpler emulation.
// Prints one line `listening on http://127.0.0.1:PORT` (the link's port, with --link-*), then serves until SIGTERM/SIGINT, printing
// `complete-ms N` after each CompleteMultipartUpload: how long the server took to assemble the
// object, a time no client can shorten (the bench reports throughput with and without it).
// Credentials: OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET, the same the contenders get.
import { parseArgs } from 'node:util';
import { startMockServer } from '../dist/mock-server/index.js';
import { startWanLink } from './wan-link.mjs';

/** ali-oss addresses an IP endpoint with Host <bucket>.<region>.aliyuncs.com; accept that as virtual-hosted. */
const VIRTUAL_HOST_SUFFIX = 'oss-cn-hangzhou.aliyuncs.com';

const { values } = parseArgs({
  options: {
    discard: { type: 'boolean' },
    'latency-ms': { type: 'string' },
    bandwidth: { type: 'string' },
    'data-dir': { type: 'string' },
    bucket: { type: 'string' },
    'link-rtt-ms': { type: 'string' },
    'link-bandwidth': { type: 'string' },
    'link-window': { type: 'string' },
    'link-initial-window': { type: 'string' },
  },
  strict: true,
});

const server = await startMockServer({
  buckets: [values.bucket ?? 'bench-bucket'],
  credentials: [{ accessKeyId: process.env.OSS_ACCESS_KEY_ID, accessKeySecret: process.env.OSS_ACCESS_KEY_SECRET }],
  discard: values.discard === true,
  latencyMs: values['latency-ms'] ? Number(values['latency-ms']) : undefined,
  bandwidthBytesPerSec: values.bandwidth ? Number(values.bandwidth) : undefined,
  dataDir: values['data-dir'],
  virtualHostSuffix: VIRTUAL_HOST_SUFFIX,
  log: reportComplete,
});
let url = server.url;
let link;
if (values['link-rtt-ms'] !== undefined) {
  const target = new URL(server.url);
  link = await startWanLink({
    target: { host: target.hostname, port: Number(target.port) },
    rttMs: Number(values['link-rtt-ms']),
    bandwidthBytesPerSec: Number(values['link-bandwidth']),
    windowBytes: values['link-window'] ? Number(values['link-window']) : undefined,
    initialWindowBytes: values['link-initial-window'] ? Number(values['link-initial-window']) : undefined,
  });
  url = `http://127.0.0.1:${link.port}`;
}
process.stdout.write(`listening on ${url}\n`);

/** The mock's request log line is `METHOD PATH API STATUS <ms>ms REQUEST-ID`. */
function reportComplete(line) {
  const match = / CompleteMultipartUpload 200 (\d+)ms /.exec(line);
  if (match) process.stdout.write(`complete-ms ${match[1]}\n`);
}

const stop = () => Promise.all([server.close(), link?.close()]).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
