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
  t.match(out.chunks.at(-2)!, /100\.0%.*  1\.9 MiB\/s .*parts 20\/20/, 'the final line shows the average speed of the whole run');
  t.equal(out.chunks.at(-1), '\n');
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
