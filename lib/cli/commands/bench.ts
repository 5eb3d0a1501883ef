// `oss-resumable bench oss://bucket/prefix/`: how fast uploads go from here, and with which
// settings. Sweeps part size × parallel through the real engine, rotating the runs, and prints a
// table and the `upload` flags to use; `bench --local` does it against the mock with a long-link
// model, `bench compare A.json B.json` sets two results side by side.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { announcement } from '../../bench/announce.js';
import { compareReports, parseReport, renderComparison } from '../../bench/compare.js';
import { requestsCsv } from '../../bench/csv.js';
import { startLocalMock, type LocalLink, type LocalMock } from '../../bench/local-mock.js';
import {
  configurationProblem,
  configurationsOf,
  DEFAULT_PARALLELS,
  DEFAULT_PART_SIZES,
  DEFAULT_RUNS,
  sizeProblem,
  type BenchConfiguration,
} from '../../bench/plan.js';
import { buildReport } from '../../bench/report.js';
import { runSweep, type SweepOptions } from '../../bench/sweep.js';
import { renderReport } from '../../bench/table.js';
import { readFileIdentity } from '../../upload/file-identity.js';
import { validateObjectKey } from '../../validate.js';
import { asUsageError, parseCommandArgs, parseOssUrl, parsePositiveInt, parseSize, UsageError } from '../args.js';
import { BenchProgress } from '../bench-progress.js';
import type { CommandContext } from '../command.js';
import { CONNECTION_OPTIONS, resolveClientSettings, secretValues, type ClientSettings } from '../config.js';
import { sizeAsTyped } from '../format.js';
import { HELP } from '../help.js';
import { Output } from '../output.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  size: { type: 'string' },
  'part-size': { type: 'string' },
  parallel: { type: 'string' },
  runs: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'string' },
  keep: { type: 'boolean' },
  local: { type: 'boolean' },
  'latency-ms': { type: 'string' },
  bandwidth: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMPARE_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The link of `--local` unless --latency-ms / --bandwidth say otherwise: a long, fast link. */
const LOCAL_DEFAULT_LINK: LocalLink = { latencyMs: 75, bandwidthBytesPerSec: 48 * 1024 * 1024 };
const MAX_RUNS = 100;

export async function runBench(argv: string[], context: CommandContext): Promise<number> {
  if (argv[0] === 'compare') return runCompare(argv.slice(1), context);
  const { io } = context;
  const { values, positionals } = parseCommandArgs('bench', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.bench);
    return 0;
  }
  const plan = planFromFlags(values, positionals);
  const output = new Output(io, values, secretValues(io.env));
  const settings = plan.local ? undefined : resolveClientSettings(values, io.env, 'bench');
  const file = values.file === undefined ? undefined : await fileToUpload(values.file);
  if (file && plan.size !== undefined) throw new UsageError('--size and --file: the file is uploaded whole, so its size is the size; leave out --size', 'bench');
  const problem = (file ?? plan.size) === undefined ? undefined : sizeProblem(file?.size ?? plan.size!, plan.configurations);
  if (problem) throw new UsageError(`${file ? `--file ${values.file}` : `--size ${values.size}`}: ${problem}`, 'bench');
  const runId = newRunId();
  const runPrefix = `${plan.prefix}oss-resumable-bench-${runId}/`;
  // The longest key the sweep will write must be a valid key (a long prefix could make it too long).
  asUsageError(() => validateObjectKey(`${runPrefix}${sizeAsTyped(Math.max(...plan.configurations.map((c) => c.partSize)))}x256-run${MAX_RUNS}`), 'bench');
  // Opened now, so an unwritable path fails before anything is uploaded.
  const csv = values.csv === undefined ? undefined : await openCsv(values.csv);

  const progress = new BenchProgress(output, output.progressStream);
  const interrupt = new AbortController();
  const removeInterrupt = context.onInterrupt(() => {
    progress.note('interrupted: stopping the upload in flight, aborting it and removing what the bench uploaded…');
    interrupt.abort(new Error('interrupted'));
  });
  let mock: LocalMock | undefined;
  try {
    if (plan.local) mock = await startLocalMock(plan.local);
    const client = mock ? { endpoint: mock.url, credentials: mock.credentials, retry: {}, timeouts: {} } : clientOptions(settings!);
    const bucket = mock?.bucket ?? plan.bucket!;
    const said = announcement({ ...plan, file, bucket, runPrefix, endpoint: client.endpoint, local: plan.local !== undefined, keep: values.keep === true });
    progress.note(said.plan);
    if (said.billing) output.warn(said.billing);

    const startedAt = new Date();
    const started = performance.now();
    const sweepOptions: SweepOptions = {
      client,
      bucket,
      prefix: plan.prefix,
      runId,
      configurations: plan.configurations,
      runs: plan.runs,
      size: plan.size,
      file,
      keep: values.keep === true,
      signal: interrupt.signal,
    };
    const sweep = await runSweep(sweepOptions, progress);
    progress.clear();
    reportCleanup(output, sweep.cleanup, bucket, values.keep === true);
    const report = buildReport(
      {
        toolVersion: packageVersion(),
        runId,
        startedAt,
        seconds: (performance.now() - started) / 1000,
        endpoint: client.endpoint,
        bucket,
        local: plan.local ?? null,
        file: file?.path,
        configurations: plan.configurations,
        runsPerConfiguration: plan.runs,
      },
      sweep,
    );
    if (csv) await csv.writeFile(requestsCsv(sweep.runs, plan.configurations, started));
    const finished = sweep.runs.some((run) => !run.measured.error);
    // Nothing measured: the failure (bad credentials, no such bucket, ...) is the whole answer.
    if (sweep.failure && !finished) throw sweep.failure;
    output.result(renderReport(report, context.program), report);
    if (sweep.interrupted) return 130;
    if (sweep.failure) {
      output.warn(`the bench stopped early: ${sweep.failure.message}`);
      return 1;
    }
    return sweep.cleanup.left.length > 0 ? 1 : 0;
  } finally {
    removeInterrupt();
    await csv?.close();
    await mock?.close();
  }
}

interface BenchPlan {
  configurations: BenchConfiguration[];
  runs: number;
  size: number | undefined;
  bucket: string | undefined;
  /** '' or ending in '/'. */
  prefix: string;
  local: LocalLink | undefined;
}

type BenchFlags = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** Everything on the command line checked, before any request or child process. */
function planFromFlags(values: BenchFlags, positionals: string[]): BenchPlan {
  const partSizes = listFlag(values['part-size'], '--part-size', (text) => parseSize(text, '--part-size')) ?? DEFAULT_PART_SIZES;
  const parallels = listFlag(values.parallel, '--parallel', (text) => parsePositiveInt(text, '--parallel')) ?? DEFAULT_PARALLELS;
  const configurations = configurationsOf(partSizes, parallels);
  for (const configuration of configurations) {
    const problem = configurationProblem(configuration);
    if (problem) throw new UsageError(problem, 'bench');
  }
  const runs = values.runs === undefined ? DEFAULT_RUNS : ofBench(() => parsePositiveInt(values.runs!, '--runs'));
  if (runs > MAX_RUNS) throw new UsageError(`--runs ${values.runs} must be at most ${MAX_RUNS}`, 'bench');
  const size = values.size === undefined ? undefined : ofBench(() => parseSize(values.size!, '--size'));
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`, 'bench');
  if (values.local) {
    if (positionals.length > 0) throw new UsageError('--local benchmarks against its own mock server; leave out the oss:// URL', 'bench');
    for (const flag of ['endpoint', 'region', 'sign-version'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} does not go with --local (it starts its own mock server)`, 'bench');
    }
    const latencyMs = values['latency-ms'] === undefined ? LOCAL_DEFAULT_LINK.latencyMs : wholeMilliseconds(values['latency-ms']);
    const bandwidthBytesPerSec = values.bandwidth === undefined ? LOCAL_DEFAULT_LINK.bandwidthBytesPerSec : ofBench(() => parseSize(values.bandwidth!, '--bandwidth'));
    if (bandwidthBytesPerSec < 1) throw new UsageError('--bandwidth must be more than 0 bytes per second', 'bench');
    return { configurations, runs, size, bucket: undefined, prefix: '', local: { latencyMs, bandwidthBytesPerSec } };
  }
  for (const flag of ['latency-ms', 'bandwidth'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} models the link of --local's mock server; a real endpoint has its own`, 'bench');
  }
  const [url] = positionals;
  if (url === undefined) throw new UsageError('missing oss://<bucket>/<prefix>/ (or --local, to try it against the mock server)', 'bench');
  const { bucket, key } = ofBench(() => parseOssUrl(url));
  // The bench's keys go under the prefix as under a directory, whether or not it ends in '/'.
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  return { configurations, runs, size, bucket, prefix, local: undefined };
}

/** '8MiB,16MiB' → each parsed; undefined when the flag is absent. */
function listFlag<T>(text: string | undefined, flag: string, parse: (item: string) => T): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`${flag} ${JSON.stringify(text)}: give values separated by commas, e.g. ${flag === '--parallel' ? '2,4,8' : '8MiB,16MiB'}`, 'bench');
  return ofBench(() => items.map(parse));
}

/** The shared flag parsers' usage errors, pointing at `bench --help`. */
function ofBench<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError && error.command === '') throw new UsageError(error.message, 'bench');
    throw error;
  }
}

function wholeMilliseconds(text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) > 60_000) throw new UsageError(`--latency-ms ${JSON.stringify(text)} must be a whole number of milliseconds from 0 to 60000`, 'bench');
  return Number(text);
}

/** The file of --file, with its size; missing or unreadable is a failure (exit 1), as for upload. */
async function fileToUpload(path: string): Promise<{ path: string; size: number }> {
  const absolute = resolve(path);
  return { path: absolute, size: (await readFileIdentity(absolute)).size };
}

async function openCsv(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (error) {
    throw new Error(`cannot write --csv ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a path in a writable directory`);
  }
}

function clientOptions(settings: ClientSettings): SweepOptions['client'] {
  const { endpoint, region, signatureVersion, credentials, retry, timeouts } = settings;
  return { endpoint, region, signatureVersion, credentials, retry, timeouts };
}

function reportCleanup(output: Output, cleanup: { kept: string[]; left: string[]; uploadsAborted: number }, bucket: string, keep: boolean): void {
  if (keep && cleanup.kept.length > 0) output.note(`kept ${cleanup.kept.length} object(s) (--keep), e.g. oss://${bucket}/${cleanup.kept[0]}`);
  for (const left of cleanup.left) output.warn(`could not remove oss://${bucket}/${left}; remove it yourself`);
}

/** 20250612-101500-3fa9c1: sortable, and unique enough that two benches never share keys. */
function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** `bench compare A.json B.json`: per-configuration changes from A to B. */
async function runCompare(argv: string[], { io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('bench compare', argv, COMPARE_OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.benchCompare);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`give two files: bench compare A.json B.json (got ${positionals.length})`, 'bench compare');
  const [aPath, bPath] = positionals as [string, string];
  const [a, b] = await Promise.all([aPath, bPath].map(async (path) => parseReport(await readReportFile(path), path)));
  const comparison = compareReports(a!, b!);
  new Output(io, values).result(renderComparison(comparison, { a: aPath, b: bPath }), comparison);
  return 0;
}

async function readReportFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the files \`bench --json\` wrote`);
  }
}
