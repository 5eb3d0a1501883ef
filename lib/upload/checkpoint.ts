// The checkpoint file: schema, self-checksum, crash-safe writes and coalesced updates.
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileIdentity } from './file-identity.js';
import { checkpointWriteError, preparePrivateDir, readPrivateFile } from './private-files.js';

export const CHECKPOINT_VERSION = 1;

export interface CheckpointPart {
  partNumber: number;
  size: number;
  /** Base64 MD5 of the part (its ETag is the same digest in upper-case hex). */
  md5: string;
  /** Unsigned decimal CRC-64/ECMA. */
  crc64: string;
  /** As the server returned it. */
  etag: string;
}

/** Everything that decides the result of the upload; never a secret or a signed URL. */
export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  /** SHA-256 of the canonical JSON of every other field. */
  checksum: string;
  endpoint: string;
  bucket: string;
  key: string;
  filePath: string;
  // uploadId comes early in the file so it can still be found (and aborted) in a truncated copy.
  uploadId: string;
  file: FileIdentity;
  partSize: number;
  /** Digest of headers, meta and callback. */
  optionsDigest: string;
  createdAt: string;
  updatedAt: string;
  parts: CheckpointPart[];
}

export type CheckpointContent = Omit<Checkpoint, 'version' | 'checksum'>;

export type ParsedCheckpoint =
  | { ok: true; checkpoint: Checkpoint }
  /** `uploadId` is whatever could be salvaged, so the old upload can be aborted. */
  | { ok: false; reason: string; uploadId: string | undefined };

export function sealCheckpoint(content: CheckpointContent): Checkpoint {
  const sealed = content.parts.map(sealPart);
  // Rebuilt field by field: fixes the order in the file and keeps stray properties out.
  const fields = {
    endpoint: content.endpoint,
    bucket: content.bucket,
    key: content.key,
    filePath: content.filePath,
    uploadId: content.uploadId,
    file: { size: content.file.size, mtimeMs: content.file.mtimeMs, ino: content.file.ino, ctimeMs: content.file.ctimeMs },
    partSize: content.partSize,
    optionsDigest: content.optionsDigest,
    createdAt: content.createdAt,
    updatedAt: content.updatedAt,
    parts: sealed.map((s) => s.part),
  };
  // The same string as canonicalJson() of the record (what parseCheckpoint verifies), with each
  // part's canonical JSON taken from the cache instead of rebuilt on every write.
  const partsJson = new CanonicalText(`[${sealed.map((s) => s.canonical).join(',')}]`);
  const checksum = sha256Hex(canonicalJson({ version: CHECKPOINT_VERSION, ...fields, parts: partsJson }));
  return { version: CHECKPOINT_VERSION, checksum, ...fields };
}

/**
 * Part records are written again on every checkpoint update, so each is copied field by field and
 * turned into canonical JSON once, not once per write: the garbage of an update stays about the
 * size of the file it writes. Records are immutable once finished, so caching by identity is safe.
 */
const sealedParts = new WeakMap<CheckpointPart, { part: CheckpointPart; canonical: string }>();

function sealPart(record: CheckpointPart): { part: CheckpointPart; canonical: string } {
  let sealed = sealedParts.get(record);
  if (!sealed) {
    const part = Object.freeze({ partNumber: record.partNumber, size: record.size, md5: record.md5, crc64: record.crc64, etag: record.etag });
    sealed = { part, canonical: canonicalJson(part) };
    sealedParts.set(record, sealed);
    sealedParts.set(part, sealed);
  }
  return sealed;
}

export function serializeCheckpoint(checkpoint: Checkpoint): string {
  return `${JSON.stringify(checkpoint)}\n`;
}

/** Checks the format only (version, checksum, field types); whether it matches this upload is resume.ts's call. */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not valid JSON (truncated or corrupted)', uploadId: salvageUploadId(text) };
  }
  if (!isRecord(value)) return { ok: false, reason: 'it is not a JSON object', uploadId: undefined };
  const uploadId = typeof value['uploadId'] === 'string' && value['uploadId'] !== '' ? value['uploadId'] : undefined;
  if (value['version'] !== CHECKPOINT_VERSION) {
    return { ok: false, reason: `it has format version ${JSON.stringify(value['version'])}, this program writes version ${CHECKPOINT_VERSION}`, uploadId };
  }
  const { checksum, ...rest } = value;
  if (typeof checksum !== 'string' || checksum !== checksumOf(rest)) {
    return { ok: false, reason: 'its checksum does not match its content (corrupted or edited)', uploadId };
  }
  const problem = schemaProblem(value);
  if (problem) return { ok: false, reason: `it is malformed (${problem})`, uploadId };
  return { ok: true, checkpoint: value as unknown as Checkpoint };
}

export type LoadedCheckpoint = { state: 'missing' } | ({ state: 'found' } & ParsedCheckpoint);

/** The checkpoint at `path`; one that is not a regular file of this user's is refused (private-files.ts). */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const text = await readPrivateFile(path, 'checkpoint');
  if (text === undefined) return { state: 'missing' };
  return { state: 'found', ...parseCheckpoint(text) };
}

/**
 * Crash-safe replace: write a temp file in the same directory (mode 0600), fsync it, rename it
 * over the checkpoint, fsync the directory. A crash at any point leaves the old or the new file.
 */
export async function writeCheckpointAtomically(path: string, checkpoint: Checkpoint): Promise<void> {
  try {
    await replaceAtomically(path, serializeCheckpoint(checkpoint));
  } catch (error) {
    throw checkpointWriteError('checkpoint', path, error);
  }
}

async function replaceAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

export async function deleteCheckpoint(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await syncDirectory(dirname(path));
}

/** Creates the checkpoint directory if needed and refuses one that other users could write (private-files.ts). */
export async function ensureCheckpointDir(dir: string): Promise<void> {
  await preparePrivateDir(dir);
}

/** Temp files of a writer that crashed mid-write. Call only while holding the checkpoint's lock. */
export async function removeLeftoverTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}${TEMP_MARKER}`;
  const entries = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => name.startsWith(prefix)).map((name) => unlink(join(dirname(path), name)).catch(() => {})));
}

/**
 * Least time between the starts of two checkpoint writes. Each write is two fsyncs and the whole
 * part list, so writing after every part cost ~10% of the client's CPU at 8 MiB parts (and grows
 * with the part count). A crash loses at most this much of the record; the parts it missed are
 * still on the server and the next run keeps them after checking their ETags, without re-sending.
 */
export const CHECKPOINT_WRITE_INTERVAL_MS = 250;

/**
 * Keeps the checkpoint on disk up to date without making the upload wait: at most one write at a
 * time, at most one per interval, and updates that arrive meanwhile collapse into one write of
 * the latest state. flush() writes what is pending at once.
 */
export class CheckpointWriter {
  #running: Promise<void> | undefined;
  #pending: (() => Checkpoint) | undefined;
  #error: unknown;
  #onFailure: ((error: unknown) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  #flushing = 0;

  constructor(
    private readonly path: string,
    private readonly intervalMs = CHECKPOINT_WRITE_INTERVAL_MS,
  ) {}

  /** Called once if a write fails (later updates are then dropped; flush() rejects). */
  onFailure(listener: (error: unknown) => void): void {
    this.#onFailure = listener;
  }

  /** Queue a write of the state `snapshot` returns when the write starts. Never throws. */
  schedule(snapshot: () => Checkpoint): void {
    if (this.#error !== undefined) return;
    this.#pending = snapshot;
    this.#startNext();
  }

  /** Resolves once everything scheduled so far is on disk; rejects if a write failed. */
  async flush(): Promise<void> {
    this.#flushing++;
    try {
      this.#startNext();
      while (this.#running) await this.#running;
    } finally {
      this.#flushing--;
    }
    if (this.#error !== undefined) throw this.#error;
  }

  #startNext(): void {
    if (this.#running || this.#pending === undefined || this.#error !== undefined) return;
    const wait = this.#flushing > 0 ? 0 : this.#lastStart + this.intervalMs - performance.now();
    if (wait > 0) {
      // unref: a pending update never keeps the process alive; the engine flushes before it ends.
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#startNext();
      }, wait).unref();
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#writePending();
  }

  async #writePending(): Promise<void> {
    const snapshot = this.#pending!;
    this.#pending = undefined;
    this.#lastStart = performance.now();
    try {
      await writeCheckpointAtomically(this.path, snapshot());
    } catch (error) {
      this.#error = error;
      this.#onFailure?.(error);
    } finally {
      this.#running = undefined;
      this.#startNext();
    }
  }
}

const TEMP_MARKER = '.tmp-';
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;
const DECIMAL = /^\d{1,20}$/;

function checksumOf(fields: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(fields));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A value whose canonical JSON is already known. */
class CanonicalText {
  constructor(readonly text: string) {}
}

/** JSON with object keys sorted at every level, so the checksum does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value instanceof CanonicalText) return value.text;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function salvageUploadId(text: string): string | undefined {
  return /"uploadId"\s*:\s*"([^"\\]{1,256})"/.exec(text)?.[1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaProblem(v: Record<string, unknown>): string | undefined {
  for (const name of ['endpoint', 'bucket', 'key', 'filePath', 'uploadId', 'optionsDigest', 'createdAt', 'updatedAt']) {
    if (typeof v[name] !== 'string' || v[name] === '') return `${name} is not a non-empty string`;
  }
  const file = v['file'];
  if (!isRecord(file) || !isCount(file['size']) || typeof file['mtimeMs'] !== 'number' || typeof file['ino'] !== 'number') return 'file identity is missing';
  if (file['ctimeMs'] !== undefined && typeof file['ctimeMs'] !== 'number') return 'file ctimeMs is not a number';
  if (!isCount(v['partSize']) || v['partSize'] === 0) return 'partSize is not a positive integer';
  if (!Array.isArray(v['parts'])) return 'parts is not a list';
  const seen = new Set<number>();
  for (const part of v['parts'] as unknown[]) {
    if (!isRecord(part)) return 'a part is not an object';
    const n = part['partNumber'];
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 10_000 || seen.has(n as number)) return `part number ${String(n)} is invalid or repeated`;
    seen.add(n as number);
    if (!isCount(part['size'])) return `part ${String(n)} has no valid size`;
    if (typeof part['md5'] !== 'string' || !MD5_BASE64.test(part['md5'])) return `part ${String(n)} has no valid MD5`;
    if (typeof part['crc64'] !== 'string' || !DECIMAL.test(part['crc64'])) return `part ${String(n)} has no valid CRC-64`;
    if (typeof part['etag'] !== 'string') return `part ${String(n)} has no ETag`;
  }
  return undefined;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename/unlink itself durable. Some platforms cannot fsync a directory; that is not worth failing over.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR/EPERM on platforms or filesystems without directory fsync.
  } finally {
    await handle.close();
  }
}
