// Shared by the contender processes: their flags, and the one JSON line each prints when done.
// Every contender is its own process so CPU time and peak RSS belong to that client alone.
import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';

/** --endpoint URL --bucket B --key K --file PATH [--part-size N] [--parallel N] [--local-crc64]; credentials from the env. */
export async function contenderArgs() {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      bucket: { type: 'string' },
      key: { type: 'string' },
      file: { type: 'string' },
      'part-size': { type: 'string' },
      parallel: { type: 'string' },
      'local-crc64': { type: 'boolean' },
    },
    strict: true,
  });
  for (const name of ['endpoint', 'bucket', 'key', 'file']) {
    if (!values[name]) throw new Error(`--${name} is required`);
  }
  const accessKeyId = process.env.OSS_ACCESS_KEY_ID;
  const accessKeySecret = process.env.OSS_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) throw new Error('set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET');
  return {
    endpoint: values.endpoint,
    bucket: values.bucket,
    key: values.key,
    file: values.file,
    size: (await stat(values.file)).size,
    partSize: values['part-size'] ? Number(values['part-size']) : undefined,
    parallel: values.parallel ? Number(values.parallel) : undefined,
    localCrc64: values['local-crc64'] === true,
    credentials: { accessKeyId, accessKeySecret },
  };
}

/**
 * Times `upload` (module loading and setup excluded) and prints
 * {"bytes", "seconds", "cpuSeconds", "maxRssBytes"} as the process's only stdout line.
 */
export async function measure(bytes, upload) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await upload();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // maxRSS is in KiB and covers the whole process lifetime, which is what a user pays for.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, user: cpu.user / 1e6, system: cpu.system / 1e6, maxRssBytes })}\n`);
}

/** Runs a contender's main and turns any failure into a message on stderr and exit code 1. */
export function runContender(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
