// `oss-resumable demo`: the README's first command. Against the mock server in this process:
// upload a sample file, lose the network part-way (the mock cuts one part's connection every
// time until the upload gives up), resume from the checkpoint, prove the object is identical.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OssClient } from '../../client.js';
import { OssCancelledError, OssChecksumError } from '../../errors.js';
import { DEFAULT_MOCK_CREDENTIALS, startMockServer, type MockServer } from '../../mock-server/index.js';
import { checkpointPaths, choosePartSize, resumableUpload, type ResumableUploadHandle, type ResumableUploadResult } from '../../upload/index.js';
import { readCheckpoint } from '../../upload/checkpoint.js';
import { parseCommandArgs, parseSize, UsageError } from '../args.js';
import type { CommandContext } from '../command.js';
import { compareObjectWithFile, type ObjectComparison } from '../demo/verify.js';
import { writeSampleFile } from '../demo/sample-file.js';
import { formatBytes, formatDuration, formatRate } from '../format.js';
import { HELP } from '../help.js';
import { Output } from '../output.js';
import { ProgressBar, progressSnapshot } from '../progress-bar.js';

const OPTIONS = {
  size: { type: 'string' },
  'part-size': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const BUCKET = 'demo-bucket';
const KEY = 'demo/sample.bin';
/** The network goes down when the upload is about this far along. */
const LOSS_AT_FRACTION = 0.4;
/** How long the demo's client rides out its outage before giving up. */
const DEMO_RETRY_FOR_MS = 3000;

type ProgressListener = (sent: number, total: number) => void;

interface Attempt {
  seconds: number;
  result?: ResumableUploadResult;
  error?: unknown;
}

export async function runDemo(argv: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const { values, positionals } = parseCommandArgs('demo', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.demo);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'demo');
  const sizeText = values.size ?? '256MiB';
  const size = parseSize(sizeText, '--size');
  const requestedPartSize = parseSize(values['part-size'] ?? '8MiB', '--part-size');
  const partSize = choosePartSize(size, requestedPartSize);
  const totalParts = Math.ceil(size / partSize);
  if (totalParts < 3) {
    throw new UsageError(`--size ${sizeText} is only ${totalParts} part(s) of ${formatBytes(partSize)}; the demo needs at least 3 to interrupt one in the middle`, 'demo');
  }
  const output = new Output(io, values);
  const say = (text: string) => output.note(text);

  const workDir = await mkdtemp(join(tmpdir(), 'oss-resumable-demo-'));
  let server: MockServer | undefined;
  let client: OssClient | undefined;
  let current: ResumableUploadHandle | undefined;
  let interrupted = false;
  const removeInterrupt = context.onInterrupt(() => {
    interrupted = true;
    say('\ninterrupted: stopping the demo and removing its temporary files…');
    void current?.cancel();
  });
  try {
    server = await startMockServer({ buckets: [BUCKET] });
    // A short retry budget, so the outage below outlasts it in seconds instead of --retry-for's 10 minutes.
    client = new OssClient({ endpoint: server.url, credentials: DEFAULT_MOCK_CREDENTIALS, bucket: BUCKET, retry: { retryForMs: DEMO_RETRY_FOR_MS } });
    const file = join(workDir, 'sample.bin');
    const checkpointDir = join(workDir, 'checkpoints');
    const checkpoint = checkpointPaths(checkpointDir, { endpoint: client.endpoint, bucket: BUCKET, key: KEY, filePath: resolve(file) }).checkpoint;

    say(`Mock OSS server listening on ${server.url} (in this process).`);
    say(`Writing a ${formatBytes(size)} sample file…`);
    await writeSampleFile(file, size);

    const lostPart = Math.max(2, Math.ceil(totalParts * LOSS_AT_FRACTION));
    // An outage: after the first lostPart-1 parts every UploadPart connection is cut part-way,
    // retries included, so the transport's retries run out the way they would for real.
    server.faults.add({ api: 'UploadPart', skip: lostPart - 1, times: Infinity, action: { type: 'drop', afterBytes: Math.floor(partSize / 4) } });
    say(`\n1. Uploading oss://${BUCKET}/${KEY} in ${totalParts} parts of ${formatBytes(partSize)}.`);
    say(`   From part ${lostPart} on, the mock cuts every upload connection part-way, retries included: a network outage`);
    say(`   longer than the client's retry budget (${DEMO_RETRY_FOR_MS / 1000} s here; \`upload --retry-for\`, 10 min by default).`);
    const upload = (onProgress: ProgressListener, onNote: (note: string) => void): ResumableUploadHandle => {
      current = resumableUpload(client!, { file, key: KEY, checkpointDir, partSize, onNote, onProgress });
      if (interrupted) void current.cancel();
      return current;
    };
    const first = await attempt(output, totalParts, upload);
    if (interrupted) return 130;
    if (first.result) throw new Error(`the outage injected from part ${lostPart} on did not stop the upload`);
    say(`   The upload stopped after ${formatDuration(first.seconds)}: ${firstLine(first.error)}`);
    const saved = await readCheckpoint(checkpoint);
    const partsSaved = saved.state !== 'missing' && saved.ok ? saved.checkpoint.parts.length : 0;
    say(`   The checkpoint records ${partsSaved} finished part(s).`);

    server.faults.clear();
    say('\n2. The network is back. Running the same upload again resumes from the checkpoint:');
    const second = await attempt(output, totalParts, upload);
    if (interrupted) return 130;
    if (!second.result) throw second.error;
    const result = second.result;

    say('\n3. Downloading the object and comparing MD5 and CRC-64 with the file…');
    const comparison = await compareObjectWithFile(client, BUCKET, KEY, file, size);
    const partBytesReceived = [...server.stats.partBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    const report = {
      object: `oss://${BUCKET}/${KEY}`,
      size,
      partSize,
      parts: totalParts,
      lostPart,
      partsReused: result.partsReused,
      bytesSentOnResume: result.bytesSent,
      bytesResent: Math.max(0, partBytesReceived - size),
      seconds: { first: round(first.seconds), resume: round(second.seconds) },
      mibPerSecond: round(size / (1024 * 1024) / (first.seconds + second.seconds)),
      etag: result.etag,
      crc64: result.crc64,
      identical: comparison.identical,
      md5: comparison.local.md5,
      checkpoint,
    };
    output.result(describeReport(report, comparison, first, second), report);
    if (!comparison.identical) throw new OssChecksumError('downloaded object', `${comparison.local.md5} / ${comparison.local.crc64}`, `${comparison.remote.md5} / ${comparison.remote.crc64}`);
    return 0;
  } catch (error) {
    if (interrupted && error instanceof OssCancelledError) return 130;
    throw error;
  } finally {
    removeInterrupt();
    await client?.close();
    await server?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Runs one upload to its end, successful or not, with its own progress bar; the engine's notes print indented. */
async function attempt(
  output: Output,
  totalParts: number,
  start: (onProgress: ProgressListener, onNote: (note: string) => void) => ResumableUploadHandle,
): Promise<Attempt> {
  const stream = output.progressStream;
  const bar = stream ? new ProgressBar(stream) : undefined;
  const onNote = (note: string): void => {
    bar?.clear();
    output.note(`   ${note}`);
  };
  const started = performance.now();
  try {
    const result = await start((sent, total) => bar?.update(progressSnapshot(sent, total, totalParts)), onNote).done;
    return { seconds: (performance.now() - started) / 1000, result };
  } catch (error) {
    return { seconds: (performance.now() - started) / 1000, error };
  } finally {
    bar?.finish();
  }
}

function describeReport(
  report: { object: string; size: number; partSize: number; parts: number; lostPart: number; partsReused: number; bytesSentOnResume: number; bytesResent: number; checkpoint: string },
  comparison: ObjectComparison,
  first: Attempt,
  second: Attempt,
): string {
  const total = first.seconds + second.seconds;
  return [
    '',
    'Demo report',
    `  object        ${report.object}: ${formatBytes(report.size)} in ${report.parts} parts of ${formatBytes(report.partSize)}`,
    `  interrupted   network outage injected from part ${report.lostPart} on, after ${formatDuration(first.seconds)}`,
    `  resumed       ${report.partsReused} part(s) kept from the first run; ${formatBytes(report.bytesSentOnResume)} sent on resume`,
    `  bytes resent  ${formatBytes(report.bytesResent)} (the parts of connections cut part-way; every byte the server kept counted once)`,
    `  throughput    ${formatRate(report.size / total)} overall (${formatDuration(total)}), resume ${formatRate(report.bytesSentOnResume / second.seconds)}`,
    `  verified      ${comparison.identical ? 'identical' : 'DIFFERENT'}: MD5 ${comparison.local.md5} vs ${comparison.remote.md5}, CRC-64 ${comparison.local.crc64} vs ${comparison.remote.crc64}`,
    `  checkpoint    ${report.checkpoint} (deleted once the upload completed; the temp dir is removed now)`,
  ].join('\n');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
