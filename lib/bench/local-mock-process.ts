// The mock server of `bench --local`, in a process of its own so that its CPU, memory and event
// loop never count against the client being measured:
//   node local-mock-process.js <bucket> <latencyMs> <bandwidthBytesPerSec>
// Prints `listening on <url>`, then serves (discard mode: every MD5 and CRC checked, no data
// stored) until SIGTERM or until its stdin ends, which is when the bench is gone, even killed.
// Ctrl-C reaches the whole process group: this process leaves it to the bench, which stops it
// once its own cleanup is done.
import { DEFAULT_MOCK_CREDENTIALS, startMockServer } from '../mock-server/index.js';

const [bucket, latency, bandwidth] = process.argv.slice(2);
const server = await startMockServer({
  buckets: [bucket!],
  credentials: [DEFAULT_MOCK_CREDENTIALS],
  discard: true,
  latencyMs: Number(latency),
  bandwidthBytesPerSec: Number(bandwidth) || undefined,
});
process.stdout.write(`listening on ${server.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', () => {});
process.once('SIGTERM', stop);
process.stdin.once('end', stop).once('error', stop).resume();
