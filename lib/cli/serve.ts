// `oss-resumable serve`: the mock OSS server as its own process. Prints exactly one line,
// `listening on http://HOST:PORT`, on stdout once it accepts connections, and stops
// cleanly on SIGINT/SIGTERM (or when io.signal aborts).
import { parseArgs } from 'node:util';
import { parseFaultSpec, startMockServer, DEFAULT_MOCK_BUCKET, DEFAULT_MOCK_CREDENTIALS } from '../mock-server/index.js';
import type { FaultRule, MockCredential, MockServer, MockServerOptions } from '../mock-server/index.js';
import { parseSize } from './args.js';

export interface ServeIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv | undefined;
  /** Stops the server like SIGTERM does (for embedding and tests). */
  signal?: AbortSignal | undefined;
}

export const SERVE_HELP = `Usage: oss-resumable serve [options]

Runs the local mock OSS server: V1/V4 signature checks, multipart uploads, PutObject,
HeadObject, GetObject (ranges), ListParts/ListMultipartUploads, callbacks, CopyObject and
UploadPartCopy, object ACL and tagging, AppendObject, PostObject, symlinks, storage classes
with RestoreObject, and fault injection. Prints "listening on http://HOST:PORT" once it accepts connections; stop it
with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port; 0 picks a free one (default 0)
  --data-dir DIR            where buckets, parts and objects are kept; reloaded on restart
                            (default: a temporary directory, removed on exit)
  --bucket NAME             a bucket that exists from the start; repeatable (default test-bucket)
  --access-key-id ID        accepted access key ID (else OSS_ACCESS_KEY_ID)
  --access-key-secret KEY   its secret (else OSS_ACCESS_KEY_SECRET); with neither flags nor
                            environment, the mock accepts mock-access-key-id / mock-access-key-secret
                            (OSS_SESSION_TOKEN, when set with the environment credentials, is required
                            on every request, as for STS keys)
  --region REGION           require this region in V4 signatures (default: accept any)
  --virtual-host SUFFIX     serve <bucket>.SUFFIX virtual-hosted requests too, e.g. oss-mock.localhost
  --discard                 benchmark mode: check MD5/CRC and count bytes but store no data
  --latency-ms MS           add this delay before every response (WAN emulation)
  --bandwidth SIZE          cap request-body reads at SIZE per second across all connections, e.g. 10MiB
  --restore-delay-ms MS     how long RestoreObject takes before an Archive, ColdArchive or
                            DeepColdArchive object can be read (default 1000)
  --idle-timeout-ms MS      close a kept-alive connection after MS with no request (default 20000)
  --headers-timeout-ms MS   drop a connection whose request headers have not all arrived within MS,
                            a new connection's first request included (default 10000)
  --body-timeout-ms MS      answer 400 RequestTimeout and close when a request body sends no byte for
                            MS; cut a response the client stops reading for as long (default 20000).
                            Time the server takes itself (a stall fault, --latency-ms, --bandwidth)
                            never counts. 0 turns any of the three timeouts off
  --max-connections N       most open connections; at N the one idle the longest is closed to admit
                            a new one (default: half the open-file limit, e.g. 512 under ulimit -n 1024)
  --fault SPEC              inject a fault; repeatable. SPEC is API[#PART]:ACTION[:ARGS][*TIMES][+SKIP]:
                              UploadPart:drop:65536            cut the connection after 64 KiB of body
                              UploadPart#3:error:503:SlowDown  answer part 3 with 503 SlowDown
                              CompleteMultipartUpload:stall:2000
                              UploadPart:corrupt               flip a byte of the stored part
                              ListParts:forget                 forget the upload (NoSuchUpload)
                              CompleteMultipartUpload:lose-response  complete it, then cut the connection
                            *N hits N matching requests (default 1, *inf for all), +N lets N pass first
  --log                     print one line per request on stderr (never credentials)
  -h, --help                show this help

Exit codes: 0 stopped cleanly, 1 could not start, 2 bad usage.
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  bucket: { type: 'string', multiple: true },
  'access-key-id': { type: 'string' },
  'access-key-secret': { type: 'string' },
  region: { type: 'string' },
  'virtual-host': { type: 'string' },
  discard: { type: 'boolean' },
  'latency-ms': { type: 'string' },
  bandwidth: { type: 'string' },
  'restore-delay-ms': { type: 'string' },
  'idle-timeout-ms': { type: 'string' },
  'headers-timeout-ms': { type: 'string' },
  'body-timeout-ms': { type: 'string' },
  'max-connections': { type: 'string' },
  fault: { type: 'string', multiple: true },
  log: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class ServeUsageError extends Error {}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function credentialFrom(flags: { 'access-key-id'?: string | undefined; 'access-key-secret'?: string | undefined }, env: NodeJS.ProcessEnv): { credential: MockCredential; source: string } {
  const flagId = flags['access-key-id'];
  const flagSecret = flags['access-key-secret'];
  if (flagId !== undefined || flagSecret !== undefined) {
    if (!flagId || !flagSecret) throw new ServeUsageError('give both --access-key-id and --access-key-secret, or neither');
    return { credential: { accessKeyId: flagId, accessKeySecret: flagSecret }, source: 'command line' };
  }
  const envId = nonEmpty(env.OSS_ACCESS_KEY_ID);
  const envSecret = nonEmpty(env.OSS_ACCESS_KEY_SECRET);
  if (envId && envSecret) {
    return { credential: { accessKeyId: envId, accessKeySecret: envSecret, securityToken: nonEmpty(env.OSS_SESSION_TOKEN) }, source: 'environment' };
  }
  if (envId || envSecret) throw new ServeUsageError('set both OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, or neither');
  return { credential: DEFAULT_MOCK_CREDENTIALS, source: 'built-in mock credentials' };
}

function wholeNumber(text: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > max) throw new ServeUsageError(`${flag} ${JSON.stringify(text)} must be a whole number from 0 to ${max}`);
  return Number(text);
}

function positiveWholeNumber(text: string | undefined, flag: string): number | undefined {
  const value = wholeNumber(text, flag);
  if (value === 0) throw new ServeUsageError(`${flag} must be at least 1`);
  return value;
}

interface ServePlan {
  settings: MockServerOptions & { buckets: string[]; credentials: MockCredential[] };
  faults: FaultRule[];
  credentialSource: string;
}

/** The server settings the flags ask for; undefined for --help. Throws ServeUsageError. */
function planFromArgs(argv: string[], env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): ServePlan | undefined {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new ServeUsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length > 0) throw new ServeUsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { credential, source } = credentialFrom(values, env);
  const faults = (values.fault ?? []).map((spec) => {
    try {
      return parseFaultSpec(spec);
    } catch (error) {
      throw new ServeUsageError(`--fault: ${(error as Error).message}`);
    }
  });
  let bandwidth: number | undefined;
  if (values.bandwidth !== undefined) {
    try {
      bandwidth = parseSize(values.bandwidth, '--bandwidth');
    } catch (error) {
      throw new ServeUsageError((error as Error).message);
    }
    if (bandwidth < 1) throw new ServeUsageError('--bandwidth must be at least 1 byte per second');
  }
  return {
    settings: {
      host: values.host ?? '127.0.0.1',
      port: wholeNumber(values.port, '--port', 65535) ?? 0,
      dataDir: values['data-dir'],
      buckets: values.bucket ?? [DEFAULT_MOCK_BUCKET],
      credentials: [credential],
      region: values.region,
      virtualHostSuffix: values['virtual-host'],
      discard: values.discard ?? false,
      latencyMs: wholeNumber(values['latency-ms'], '--latency-ms'),
      bandwidthBytesPerSec: bandwidth,
      restoreDelayMs: wholeNumber(values['restore-delay-ms'], '--restore-delay-ms'),
      idleTimeoutMs: wholeNumber(values['idle-timeout-ms'], '--idle-timeout-ms'),
      headersTimeoutMs: wholeNumber(values['headers-timeout-ms'], '--headers-timeout-ms'),
      bodyTimeoutMs: wholeNumber(values['body-timeout-ms'], '--body-timeout-ms'),
      maxConnections: positiveWholeNumber(values['max-connections'], '--max-connections'),
      log: values.log ? (line) => stderr.write(`${line}\n`) : undefined,
    },
    faults,
    credentialSource: source,
  };
}

export async function runServe(argv: string[], io: ServeIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let plan: ServePlan | undefined;
  try {
    plan = planFromArgs(argv, io.env ?? process.env, io.stderr);
  } catch (error) {
    if (!(error instanceof ServeUsageError)) throw error;
    io.stderr.write(`oss-resumable serve: ${error.message}\nRun 'oss-resumable serve --help' for the options.\n`);
    return 2;
  }
  if (!plan) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const { settings, faults } = plan;

  let server: MockServer;
  try {
    server = await startMockServer(settings);
  } catch (error) {
    io.stderr.write(`oss-resumable serve: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  for (const rule of faults) server.faults.add(rule);

  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });

  io.stderr.write(
    `mock OSS: buckets ${settings.buckets.join(', ')}; data in ${server.dataDir}${settings.dataDir ? '' : ' (temporary, removed on exit)'}; ` +
      `access key ID ${settings.credentials[0]!.accessKeyId} (${plan.credentialSource})` +
      `${settings.discard ? '; discard mode' : ''}${faults.length > 0 ? `; ${faults.length} fault rule(s)` : ''}\n`,
  );
  io.stdout.write(`listening on ${server.url}\n`);
  await stopped;
  await server.close();
  io.stderr.write('mock OSS: stopped\n');
  return 0;
}
