// Command-line argument helpers: node:util parseArgs with usage errors that say what to type
// instead, and the parsers for sizes, durations and oss:// URLs.
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OssInvalidArgumentError } from '../errors.js';
import { validateBucketName, validateObjectKey } from '../validate.js';

/** Bad command-line usage: printed with a hint to run --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command whose --help to point at ('' for the top level). */
  readonly command: string;
  constructor(message: string, command = '') {
    super(message);
    this.command = command;
  }
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

type OptionValue<S> = S extends { type: 'boolean' }
  ? S extends { multiple: true } ? boolean[] : boolean
  : S extends { multiple: true } ? string[] : string;

/** parseArgs' result, spelled out: its own result type cannot be named in declaration files. */
export interface ParsedCommand<O extends OptionSpecs> {
  values: { [K in keyof O]?: OptionValue<O[K]> };
  positionals: string[];
}

/** Strict parseArgs for one command; node's TypeErrors become UsageErrors naming the command. */
export function parseCommandArgs<O extends OptionSpecs>(command: string, argv: string[], options: O): ParsedCommand<O> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as ParsedCommand<O>['values'], positionals };
  } catch (error) {
    // parseArgs messages are already specific ("Unknown option '--foo'"); drop its long positional hint.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message + nearestFlagHint(message, options), command);
  }
}

/** "; did you mean --parallel?" for an unknown option within two edits of a known one, else ''. */
function nearestFlagHint(message: string, options: OptionSpecs): string {
  const unknown = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
  if (!unknown) return '';
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(options)) {
    const distance = editDistance(unknown, name);
    if (distance <= 2 && distance < (best?.distance ?? Infinity)) best = { name, distance };
  }
  return best ? `; did you mean --${best.name}?` : '';
}

/** Levenshtein distance, small strings only (flag names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** Exactly `count` positionals named by `names`, or a UsageError listing what is missing or extra. */
export function requirePositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).map((n) => `<${n}>`).join(' ')}`, command);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`, command);
  }
  return positionals;
}

// Binary multiples for both spellings: OSS documents its 100 KB part minimum as 102400 bytes and
// ali-oss reads sizes the same way, so "100KB" must not come out 2400 bytes short of it.
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** '8MiB', '512KB', '1.5GiB', '1048576' → bytes. KB and KiB both mean 1024 (see SIZE_UNITS). */
export function parseSize(text: string, what = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(`${what} ${JSON.stringify(text)} is not a size; use bytes or a number with KB/KiB, MB/MiB, GB/GiB, TB/TiB (all 1024-based), e.g. 8MiB`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${what} ${JSON.stringify(text)} is too large`);
  return bytes;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** '24h', '30m', '7d', '0s', '1h30m' → milliseconds. A unit is required so "24" is never guessed at. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const piece = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = piece.exec(trimmed); match; match = piece.exec(trimmed)) {
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    consumed = piece.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    throw new UsageError(`${what} ${JSON.stringify(text)} is not a duration; use a number with ms, s, m, h, d or w, e.g. 24h, 30m, 7d, 1h30m`);
  }
  return Math.round(total);
}

/** A positive integer flag such as --parallel. */
export function parsePositiveInt(text: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${what} ${JSON.stringify(text)} must be a whole number of at least 1`);
  }
  return Number(text);
}

export interface OssUrl {
  bucket: string;
  /** Everything after 'oss://bucket/', possibly '' (then it is a bucket or prefix URL). */
  key: string;
}

/**
 * 'oss://bucket/dir/file.bin' → {bucket, key}. The key is taken literally (no percent-decoding).
 * An invalid bucket name is a usage error here, before any request.
 */
export function parseOssUrl(text: string): OssUrl {
  const match = /^oss:\/\/([^/]+)(?:\/(.*))?$/s.exec(text);
  if (!match) throw new UsageError(`${JSON.stringify(text)} is not an oss:// URL; write oss://<bucket>/<key>`);
  const bucket = asUsageError(() => validateBucketName(match[1]!));
  return { bucket, key: match[2] ?? '' };
}

/** An oss:// URL that must name an object, not just a bucket; an invalid key is a usage error. */
export function parseObjectUrl(text: string): OssUrl & { key: string } {
  const url = parseOssUrl(text);
  if (!url.key) throw new UsageError(`${JSON.stringify(text)} names no object; write oss://${url.bucket}/<key>`);
  asUsageError(() => validateObjectKey(url.key));
  return url;
}

/**
 * Where `upload <file> <url>` stores the file, as ossutil does: a URL ending in '/' names a
 * directory (`oss://b/dir/` → `dir/<basename>`), a bare bucket its root (`oss://b` → `<basename>`).
 */
export function parseUploadDestination(text: string, file: string): OssUrl {
  const url = parseOssUrl(text);
  const key = url.key === '' || url.key.endsWith('/') ? `${url.key}${basename(file)}` : url.key;
  asUsageError(() => validateObjectKey(key));
  return { bucket: url.bucket, key };
}

/** Runs a library validation; its OssInvalidArgumentError becomes a usage error (exit 2). */
export function asUsageError<T>(validate: () => T, command = ''): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof OssInvalidArgumentError) throw new UsageError(error.message, command);
    throw error;
  }
}

/** Repeatable 'name<sep>value' flags (--meta k=v, --header k:v) → a record; the first separator splits. */
export function parsePairs(items: string[] | undefined, separator: '=' | ':', flag: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf(separator);
    const name = at < 0 ? '' : item.slice(0, at).trim();
    if (!name) throw new UsageError(`${flag} ${JSON.stringify(item)} must look like name${separator}value`);
    pairs[name] = item.slice(at + 1).trim();
  }
  return pairs;
}
