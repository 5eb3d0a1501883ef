// The mock as a shared test service: a quiet client is timed out the way OSS times it out (an
// idle kept-alive connection closed, headers that do not arrive dropped, a body that stops
// coming answered 400 RequestTimeout), a client that never reads its answer is cut off, the
// server's own waits (the stall fault, a bandwidth cap) never count, and clients holding
// hundreds of idle sockets cannot shut out a new one, even under `ulimit -n 256`.
import t from 'tap';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultMaxConnections } from '../lib/mock-server/server-limits.js';
import { runServe } from '../lib/cli/serve.js';
import { startMockChild } from './helpers/mock-child.js';
import { waitFor } from './helpers/wait.js';
import { BUCKET, CREDS, ossRequest, patternBytes, rawExchange, signedRequestHead, withMockServer, xmlField } from './mock-server-helpers.js';

interface WatchedSocket {
  socket: Socket;
  received: () => string;
  /** Resolves with the ms from `since` (default: when it connected) to the server closing it. */
  closed: Promise<number>;
}

/** A raw connection that records what the server sends and when it closes it. */
async function watchedSocket(port: number): Promise<WatchedSocket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const connectedAt = performance.now();
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - connectedAt)));
  return { socket, received: () => text, closed };
}

function lines(): { log: (line: string) => void; text: () => string } {
  const seen: string[] = [];
  return { log: (line) => seen.push(line), text: () => seen.join('\n') };
}

t.test('a kept-alive connection idle for idleTimeoutMs is closed; with a longer idle timeout it stays', async (t) => {
  const short = await withMockServer(t, { idleTimeoutMs: 300 });
  const long = await withMockServer(t, { idleTimeoutMs: 10_000 });
  const ask = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const quick = await watchedSocket(short.port);
  const kept = await watchedSocket(long.port);
  quick.socket.write(ask);
  kept.socket.write(ask);
  await waitFor(() => quick.received().includes('</Error>') && kept.received().includes('</Error>'), 'both answers');
  t.match(quick.received(), /^HTTP\/1\.1 403 /, 'answered (an unsigned request), and the connection kept alive');
  const idleFor = await quick.closed;
  t.ok(idleFor >= 250, `closed once idle (${Math.round(idleFor)} ms after connecting), not at once`);
  t.notOk(kept.socket.destroyed || kept.socket.readableEnded, 'the server with a 10 s idle timeout still holds its idle connection');
  kept.socket.destroy();
});

t.test('a new connection that sends nothing is closed after headersTimeoutMs, unanswered', async (t) => {
  const server = await withMockServer(t, { headersTimeoutMs: 400 });
  const idle = await watchedSocket(server.port);
  const after = await idle.closed;
  t.ok(after >= 350 && after < 5000, `closed ${Math.round(after)} ms after connecting`);
  t.equal(idle.received(), '', 'nothing is sent to a connection that asked nothing');
});

t.test('headers that do not all arrive within headersTimeoutMs are dropped, however slowly they trickle', async (t) => {
  const { log, text } = lines();
  const server = await withMockServer(t, { headersTimeoutMs: 500, log });
  const slow = await watchedSocket(server.port);
  slow.socket.write(`PUT /${BUCKET}/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
  // A header byte every 100 ms keeps the socket busy, but the request never completes.
  const drip = setInterval(() => slow.socket.writable && slow.socket.write('x'), 100);
  slow.socket.write('X-Drip: ');
  const after = await slow.closed;
  clearInterval(drip);
  t.ok(after >= 450 && after < 5000, `dropped ${Math.round(after)} ms after connecting`);
  t.equal(slow.received(), '', 'dropped without an answer');
  t.match(text(), /headers did not arrive within 500 ms: connection dropped/);
});

t.test('a signed PUT declaring 1 GiB that stops sending is answered 400 RequestTimeout, logged, and closed', async (t) => {
  const { log, text } = lines();
  const server = await withMockServer(t, { bodyTimeoutMs: 400, log });
  const head = signedRequestHead(server, { method: 'PUT', bucket: BUCKET, key: 'big.bin', headers: { 'Content-Length': String(1024 ** 3), 'Content-Type': 'application/octet-stream' } });
  const started = performance.now();
  const answer = await rawExchange(server, (socket) => {
    socket.write(head);
    socket.write(patternBytes(1000));
  });
  const waited = performance.now() - started;
  t.match(answer, /^HTTP\/1\.1 400 /);
  t.match(answer, /\r\nConnection: close\r\n/i);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  t.equal(xmlField(body, 'Code'), 'RequestTimeout');
  t.equal(xmlField(body, 'Message'), 'Your socket connection to the server was not read from or written to within the timeout period.');
  const requestId = xmlField(body, 'RequestId')!;
  t.match(requestId, /^[0-9A-F]{24}$/);
  t.match(answer, new RegExp(`x-oss-request-id: ${requestId}`, 'i'), 'the header and the body carry the same request id');
  t.ok(waited >= 350, `answered after the stall timeout (${Math.round(waited)} ms), not at once`);
  t.match(text(), new RegExp(`PUT PutObject the body stalled: no byte for 400 ms after 1000 bytes; answering RequestTimeout and closing ${requestId}`));
  t.match(text(), new RegExp(`PUT /${BUCKET}/big.bin PutObject 400 \\d+ms ${requestId}`));
  const head404 = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'big.bin' });
  t.equal(head404.status, 404, 'nothing was stored');
});

t.test('an UploadPart and a Complete whose bodies stall get RequestTimeout too', async (t) => {
  const server = await withMockServer(t, { bodyTimeoutMs: 300 });
  const init = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'mp.bin', query: { uploads: '' } });
  const uploadId = xmlField(init.text, 'UploadId')!;
  const calls: Array<{ method: string; query: Record<string, string>; headers: Record<string, string> }> = [
    { method: 'PUT', query: { partNumber: '1', uploadId }, headers: { 'Content-Length': '200000' } },
    { method: 'POST', query: { uploadId }, headers: { 'Content-Length': '500', 'Content-Type': 'application/xml' } },
    { method: 'PUT', query: { partNumber: '2', uploadId }, headers: { 'Transfer-Encoding': 'chunked' } },
  ];
  for (const call of calls) {
    const head = signedRequestHead(server, { ...call, bucket: BUCKET, key: 'mp.bin' });
    const answer = await rawExchange(server, (socket) => {
      socket.write(head);
      socket.write(call.headers['Transfer-Encoding'] ? '10\r\n0123456789abcdef\r\n' : '<Complete');
    });
    t.equal(xmlField(answer, 'Code'), 'RequestTimeout', `${call.method} ${JSON.stringify(call.headers)}`);
  }
  t.same(server.listUploads(BUCKET)[0]?.parts, [], 'no part was stored');
});

t.test('a request already refused whose unread body stalls still gets its answer, then the connection closes', async (t) => {
  const server = await withMockServer(t, { bodyTimeoutMs: 300 });
  const head = signedRequestHead(server, { method: 'PUT', bucket: 'no-such-bucket', key: 'k', headers: { 'Content-Length': '100000' } });
  const answer = await rawExchange(server, (socket) => {
    socket.write(head);
    socket.write('only a little');
  });
  t.match(answer, /^HTTP\/1\.1 404 /);
  t.equal(xmlField(answer, 'Code'), 'NoSuchBucket');
  t.match(answer, /\r\nConnection: close\r\n/i);
});

t.test('the server stalling is not the client stalling: a stall fault, a bandwidth cap and latency longer than bodyTimeoutMs', async (t) => {
  const server = await withMockServer(t, { bodyTimeoutMs: 200, bandwidthBytesPerSec: 100 * 1024, latencyMs: 300 });
  server.faults.add({ api: 'PutObject', action: { type: 'stall', ms: 700 } });
  const data = patternBytes(150 * 1024);
  const started = performance.now();
  const reply = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'patient.bin', body: data });
  const took = performance.now() - started;
  t.equal(reply.status, 200, reply.text);
  t.ok(took >= 700 + 300, `the stall, the capped read and the latency were all waited out (${Math.round(took)} ms)`);
  t.same(await server.readObject(BUCKET, 'patient.bin'), data);
});

t.test('a client that stops reading a GET answer is cut off after bodyTimeoutMs', async (t) => {
  const { log, text } = lines();
  const server = await withMockServer(t, { bodyTimeoutMs: 300, log });
  const size = 64 * 1024 * 1024; // far more than loopback's socket buffers hold
  t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'large.bin', body: Buffer.alloc(size, 1) })).status, 200);
  const head = signedRequestHead(server, { method: 'GET', bucket: BUCKET, key: 'large.bin' });
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(head);
  socket.pause();
  await waitFor(() => /stopped reading the answer: nothing written for 300 ms; connection cut/.test(text()), 'the cut-off log line');
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  const closed = once(socket, 'close');
  socket.resume();
  await closed;
  t.ok(received > 0 && received < size, `the answer was cut short (${received} of ${size} bytes)`);
});

t.test('at maxConnections the connection idle the longest makes way; busy ones are kept', async (t) => {
  const { log, text } = lines();
  const server = await withMockServer(t, { maxConnections: 4, log });
  server.faults.add({ api: 'PutObject', action: { type: 'stall', ms: 800 } });
  // One connection busy with a (stalled) request, then idle ones past the limit.
  const busy = ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'busy.bin', body: 'busy' });
  await waitFor(() => (server.stats.requests['PutObject'] ?? 0) === 1, 'the busy request');
  const idle: WatchedSocket[] = [];
  for (let i = 0; i < 6; i++) idle.push(await watchedSocket(server.port));
  await waitFor(() => idle.slice(0, 3).every((s) => s.socket.destroyed), 'the oldest idle connections to close');
  t.notOk(idle[5]!.socket.destroyed, 'the newest idle connection is kept');
  const served = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'missing' });
  t.equal(served.status, 404, 'a new client is served at the limit');
  t.equal((await busy).status, 200, 'the busy connection was never closed');
  t.match(text(), /the limit of 4 connections is reached: closed the one idle the longest/);
  for (const s of idle) s.socket.destroy();
});

t.test('when every connection is handling a request, a new one is refused', async (t) => {
  const { log, text } = lines();
  const server = await withMockServer(t, { maxConnections: 2, log });
  server.faults.add({ api: 'PutObject', times: 2, action: { type: 'stall', ms: 600 } });
  const busy = [0, 1].map((i) => ossRequest(server, { method: 'PUT', bucket: BUCKET, key: `b${i}`, body: 'x' }));
  await waitFor(() => (server.stats.requests['PutObject'] ?? 0) === 2, 'two busy requests');
  const refused = await watchedSocket(server.port);
  await refused.closed;
  t.equal(refused.received(), '');
  t.match(text(), /connection refused: the limit of 2 connections is reached and every one is handling a request/);
  t.same((await Promise.all(busy)).map((r) => r.status), [200, 200]);
});

t.test('under ulimit -n 256, 400 idle sockets do not shut out a new client, and they time out', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mock-timeouts-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const mock = await startMockChild(t, {
    bucket: BUCKET,
    credentials: CREDS,
    dataDir,
    openFileLimit: 256,
    args: ['--headers-timeout-ms', '1500', '--idle-timeout-ms', '1500', '--body-timeout-ms', '500', '--log'],
  });
  const flood: WatchedSocket[] = [];
  for (let i = 0; i < 400; i++) flood.push(await watchedSocket(mock.port));
  const put = async (key: string, body: string): Promise<number> => (await ossRequest(mock, { method: 'PUT', bucket: BUCKET, key, body })).status;
  t.equal(await put('while-flooded.txt', 'served'), 200, 'a new client is served while 400 idle sockets are open');
  const closedAfter = await Promise.all(flood.map((s) => s.closed));
  t.equal(closedAfter.length, 400, 'every idle socket was closed by the server');
  t.ok(closedAfter.every((ms) => ms < 10_000));
  t.equal(await put('after.txt', 'still served'), 200, 'and it serves afterwards');
  // The flags reach the server: a stalled body is timed out after --body-timeout-ms.
  const head = signedRequestHead(mock, { method: 'PUT', bucket: BUCKET, key: 'stalled.bin', headers: { 'Content-Length': '1000' } });
  const answer = await rawExchange(mock, (socket) => void socket.write(head));
  t.equal(xmlField(answer, 'Code'), 'RequestTimeout');
  t.match(mock.stderr(), /the body stalled: no byte for 500 ms/);
});

t.test('serve: the timeout and connection flags are checked', async (t) => {
  for (const argv of [['--idle-timeout-ms', 'soon'], ['--headers-timeout-ms', '-1'], ['--body-timeout-ms', '1.5'], ['--max-connections', '0']]) {
    const stderr = new PassThrough();
    let text = '';
    stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    t.equal(await runServe(argv, { stdout: new PassThrough(), stderr }), 2, argv.join(' '));
    t.match(text, new RegExp(argv[0]!), argv.join(' '));
  }
  await t.rejects(withMockServer(t, { bodyTimeoutMs: -1 }), /bodyTimeoutMs must be a whole number/);
  await t.rejects(withMockServer(t, { maxConnections: 0 }), /maxConnections must be a whole number >= 1/);
});

t.test('the default connection limit is half the open-file limit', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'limits-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = async (name: string, text: string): Promise<string> => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const header = 'Limit                     Soft Limit           Hard Limit           Units     \n';
  t.equal(defaultMaxConnections(await file('1024', `${header}Max open files            1024                 4096                 files     \n`)), 512);
  t.equal(defaultMaxConnections(await file('unlimited', `${header}Max open files            unlimited            unlimited            files     \n`)), Infinity);
  t.equal(defaultMaxConnections(join(dir, 'missing')), 1000, 'where the limit cannot be read');
});
