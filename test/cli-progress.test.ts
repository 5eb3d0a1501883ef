// The progress bar's two renderings, its redraw throttle and speed/ETA, and the output modes.
import t from 'tap';
import { ProgressBar, renderBarLine, renderPlainLine } from '../lib/cli/progress-bar.js';
import { formatBytes, formatDuration, formatRate } from '../lib/cli/format.js';
import { Output, describeError } from '../lib/cli/output.js';
import { UsageError } from '../lib/cli/args.js';
import { OssServiceError } from '../lib/errors.js';

const MiB = 1024 * 1024;

function sink(isTTY: boolean, columns = 100) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

t.test('formatting helpers', async (t) => {
  t.equal(formatBytes(0), '0 B');
  t.equal(formatBytes(1536), '1.5 KiB');
  t.equal(formatBytes(256 * MiB), '256.0 MiB');
  t.equal(formatRate(88.1 * MiB), '88.1 MiB/s');
  t.equal(formatDuration(1.44), '1.4s');
  t.equal(formatDuration(45), '45s');
  t.equal(formatDuration(125), '2m05s');
  t.equal(formatDuration(3720), '1h02m');
  t.equal(formatDuration(Infinity), '?');
});

t.test('bar line: percent, bytes, speed, ETA, parts; fits the width', async (t) => {
  const snapshot = { bytesDone: 64 * MiB, totalBytes: 256 * MiB, partsDone: 8, totalParts: 32 };
  const line = renderBarLine(snapshot, 32 * MiB, 120);
  t.match(line, /^\[#{8}-{22}\]/, 'a quarter of a 30-wide bar');
  t.match(line, /25\.0%  64\.0 MiB\/256\.0 MiB  32\.0 MiB\/s  ETA 6.0s  parts 8\/32$/);
  t.ok(renderBarLine(snapshot, 32 * MiB, 40).length <= 40, 'narrow terminals drop the bar, never wrap');
  t.equal(renderPlainLine(snapshot, 0), '25% 64.0 MiB of 256.0 MiB, 0 B/s, ETA ?, parts 8/32');
});

t.test('TTY: redraws in place at most every 100 ms, measures speed, ends on a new line', async (t) => {
  const out = sink(true);
  let now = 0;
  const bar = new ProgressBar(out, { now: () => now });
  for (let i = 1; i <= 20; i++) {
    now = i * 20; // 50 updates a second
    bar.update({ bytesDone: i * MiB, totalBytes: 20 * MiB, partsDone: i, totalParts: 20 });
  }
  t.equal(out.chunks.length, 4, 'redraws at 100, 200, 300, 400 ms only');
  t.ok(out.chunks.every((c) => c.startsWith('\r') && c.endsWith('\x1b[K')), 'each redraw returns to column 0 and clears the rest');
  t.equal(Math.round(bar.speed() / MiB), 50, '1 MiB per 20 ms');
  now = 10_000; // the upload then waits ~10 s for CompleteMultipartUpload
  bar.finish();
  t.match(out.chunks.at(-2)!, /100\.0%.*  50\.0 MiB\/s .*parts 20\/20/, 'the final line shows the send speed, not diluted by the wait for Complete');
  t.equal(out.chunks.at(-1), '\n');
});

t.test('completing: once every byte is sent the line says so, with the time waited, redrawn without progress events', async (t) => {
  const out = sink(true);
  let now = 0;
  const bar = new ProgressBar(out, { now: () => now, completingRedrawMs: 10 });
  bar.update({ bytesDone: 8 * MiB, totalBytes: 8 * MiB, partsDone: 2, totalParts: 2 });
  bar.completing();
  t.match(out.chunks.at(-1)!, /100\.0%  8\.0 MiB  completing… 0\.0s  parts 2\/2/);
  now = 4200;
  await new Promise((resolve) => setTimeout(resolve, 40));
  t.match(out.chunks.at(-1)!, /completing… 4\.2s/, 'the elapsed time ticks on its own');
  bar.finish();
  const drawn = out.chunks.length;
  await new Promise((resolve) => setTimeout(resolve, 40));
  t.equal(out.chunks.length, drawn, 'no redraw after finish');
  t.notMatch(out.chunks.at(-2)!, /completing/, 'the final line is the result, not the wait');

  const plain = sink(false);
  const plainBar = new ProgressBar(plain, { now: () => 0, plainLineMs: 1000 });
  plainBar.update({ bytesDone: MiB, totalBytes: MiB, partsDone: 1, totalParts: 1 });
  plainBar.completing();
  plainBar.finish();
  t.match(plain.text(), /^100% 1\.0 MiB sent, completing… 0\.0s, parts 1\/1\n/m);
});

t.test('a 60-column terminal: the line fits with its bar, whole fields dropped, never a number cut', async (t) => {
  const snapshot = { bytesDone: 1234.5 * MiB, totalBytes: 4096 * MiB, partsDone: 154, totalParts: 512 };
  for (const columns of [60, 50, 40, 30, 20, 12]) {
    const line = renderBarLine(snapshot, 87.3 * MiB, columns - 1);
    t.ok(line.length <= columns - 1, `${columns} columns: ${JSON.stringify(line)}`);
    if (columns >= 30) t.match(line, /^\[#+-+\]  /, `${columns} columns keep the bar`);
    t.match(line, /(^|  )( ?30\.1%)(  |$)/, 'the percentage whole');
    t.notMatch(line, /(\d\.$)|( \d+\/\d*$)|MiB\/\d|ETA $/, 'no field cut short');
  }
  t.match(renderBarLine(snapshot, 87.3 * MiB, 59), /^\[#+-+\]   30\.1%  1\.2 GiB\/4\.0 GiB  87\.3 MiB\/s  ETA 33s$/, 'at 60 columns: bar, percent, bytes, speed and ETA; the part count goes');
});

t.test('not a TTY: occasional plain lines with no control characters', async (t) => {
  const out = sink(false);
  let now = 0;
  const bar = new ProgressBar(out, { now: () => now, plainLineMs: 1000 });
  for (let i = 1; i <= 100; i++) {
    now = i * 50;
    bar.update({ bytesDone: i * MiB, totalBytes: 100 * MiB, partsDone: i, totalParts: 100 });
  }
  bar.finish();
  const lines = out.text().split('\n').filter(Boolean);
  t.equal(lines.length, 5, 'one line per second over 5 s, plus the final one');
  t.equal(lines.at(-1), '100% 100.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0s, parts 100/100');
  t.notMatch(out.text(), /[\r\x1b]/);

  const quick = sink(false);
  const quickBar = new ProgressBar(quick, { now: () => 0 });
  quickBar.update({ bytesDone: 1, totalBytes: 1, partsDone: 1, totalParts: 1 });
  quickBar.finish();
  t.equal(quick.text(), '', 'an upload shorter than the interval prints no progress lines');
});

t.test('output modes and error descriptions', async (t) => {
  const io = () => ({ stdout: sink(false), stderr: sink(false), env: {} });
  const human = io();
  const out = new Output(human, {}, ['s3cr3t-value']);
  out.note('resuming');
  out.result('done with s3cr3t-value', { ok: true });
  t.equal(human.stderr.text(), 'resuming\n');
  t.equal(human.stdout.text(), 'done with ***\n', 'secrets are scrubbed');

  const json = io();
  const jsonOut = new Output(json, { json: true });
  jsonOut.note('to stderr');
  jsonOut.result('ignored', { a: 1 });
  t.same(JSON.parse(json.stdout.text()), { a: 1 });
  t.equal(json.stderr.text(), 'to stderr\n');
  const serviceError = new OssServiceError({ status: 403, code: 'AccessDenied', message: 'no', requestId: 'RID123', operation: 'UploadPart' });
  t.equal(jsonOut.error(serviceError), 1);
  const lines = json.stdout.text().trim().split('\n');
  t.same(JSON.parse(lines[1]!).error, { name: 'OssServiceError', message: serviceError.message, status: 403, code: 'AccessDenied', requestId: 'RID123' });

  const quiet = io();
  const quietOut = new Output(quiet, { quiet: true });
  quietOut.note('hidden');
  quietOut.result('hidden', {});
  t.equal(quietOut.progressStream, undefined);
  t.equal(quiet.stdout.text() + quiet.stderr.text(), '');
  t.equal(quietOut.error(new UsageError('bad flag', 'upload')), 2);
  t.equal(quiet.stderr.text(), "oss-resumable: bad flag\nRun 'oss-resumable upload --help' for usage.\n");

  const both = io();
  const bothOut = new Output(both, { json: true, quiet: true });
  bothOut.note('hidden');
  bothOut.result('ignored', { b: 2 });
  t.equal(bothOut.progressStream, undefined, '--json --quiet: no progress either');
  t.equal(both.stderr.text(), '');
  t.same(JSON.parse(both.stdout.text()), { b: 2 }, '--json --quiet still prints the result');

  t.match(describeError(serviceError), /^error: UploadPart: OSS 403 AccessDenied: no \(request id RID123\)/);
  t.equal(describeError(new Error('ENOENT: no such file')), 'error: ENOENT: no such file');
});
