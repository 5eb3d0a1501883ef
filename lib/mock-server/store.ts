// On-disk state of the mock: buckets, multipart uploads with their parts, and objects.
//
//   <dataDir>/tmp/                                  bodies being received (same file system, so rename is atomic)
//   <dataDir>/buckets/<bucket>/bucket.json
//   <dataDir>/buckets/<bucket>/uploads/<uploadId>/upload.json, part-<n>.json, part-<n>.<rand>.data
//   <dataDir>/buckets/<bucket>/objects/<sha256(key)>.json, <sha256(key)>.<rand>.data
//
// Bucket names and upload IDs are validated before they name a directory; keys only ever
// appear hashed. Every JSON file is written to tmp/ and renamed into place, and each data
// file gets a fresh name, so a reader never sees half a write and metadata always describes
// the data file it names. An in-memory index mirrors the files and is rebuilt on open().
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyedMutex } from './keyed-mutex.js';
import { isUploadIdShape, keyFileStem } from './keys.js';
import { noSuchBucket } from './mock-error.js';

/** Object headers fixed at PutObject or InitiateMultipartUpload time. */
export interface StoredHeaders {
  /** Lower-case standard headers: content-type, cache-control, content-disposition, content-encoding, expires, x-oss-storage-class. */
  headers: Record<string, string>;
  /** User metadata: lower-case name without the x-oss-meta- prefix → value. */
  meta: Record<string, string>;
  /** x-oss-object-acl; absent means 'default' (the bucket's ACL applies). */
  acl?: string | undefined;
  /** Object tags, in the order given (x-oss-tagging or PutObjectTagging). */
  tags?: Record<string, string> | undefined;
  /** Server-side encryption asked for when the object (or upload) was created; nothing is encrypted. */
  sse?: ServerSideEncryption | undefined;
}

export interface ServerSideEncryption {
  algorithm: 'AES256' | 'KMS' | 'SM4';
  /** KMS only: the customer master key (a stand-in for the account's default key when none was named). */
  keyId?: string | undefined;
  /** KMS only: 'SM4' when the data is encrypted with SM4 instead of AES-256. */
  dataEncryption?: string | undefined;
}

/** RestoreObject's progress on an archived object (times in server-clock ms). */
export interface RestoreState {
  /** The restored copy is readable from then on. */
  readyAt: number;
  /** ...until then; afterwards the object is archived again. */
  expiresAt: number;
}

export interface PartRecord {
  partNumber: number;
  size: number;
  md5Hex: string;
  md5Base64: string;
  /** Decimal CRC-64/ECMA. */
  crc64: string;
  lastModified: number;
  /** File name inside the upload's directory; absent in discard mode. */
  dataFile?: string | undefined;
}

export interface UploadRecord extends StoredHeaders {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  forbidOverwrite: boolean;
  parts: Map<number, PartRecord>;
  /** Set once aborted, completed or forgotten; late part commits then discard their data. */
  gone: boolean;
}

export interface ObjectRecord extends StoredHeaders {
  key: string;
  size: number;
  /** Quoted, upper-case: "HEX" or "HEX-N". */
  etag: string;
  crc64: string;
  /** Base64 MD5 of the content; only for objects written by PutObject. */
  contentMd5?: string | undefined;
  objectType: 'Normal' | 'Multipart' | 'Appendable' | 'Symlink';
  lastModified: number;
  /** File name inside the bucket's objects directory. */
  dataFile: string;
  /** PutSymlink's target key (objectType 'Symlink'; the data file is empty). */
  symlinkTarget?: string | undefined;
  /** Set by RestoreObject on Archive, ColdArchive and DeepColdArchive objects. */
  restore?: RestoreState | undefined;
}

/** What a bucket is created with (PutBucket's x-oss-acl and CreateBucketConfiguration). */
export interface BucketSettings {
  /** 'private' unless PutBucket or PutBucketAcl said otherwise. */
  acl: string;
  storageClass: string;
  dataRedundancyType: string;
}

export interface BucketSummary extends BucketSettings {
  name: string;
  created: number;
}

export const DEFAULT_BUCKET_SETTINGS: BucketSettings = { acl: 'private', storageClass: 'Standard', dataRedundancyType: 'LRS' };

interface BucketState extends BucketSummary {
  uploads: Map<string, UploadRecord>;
  objects: Map<string, ObjectRecord>;
}

export class MockStore {
  readonly dataDir: string;
  readonly #buckets = new Map<string, BucketState>();
  readonly #uploadLocks = new KeyedMutex();
  readonly #objectLocks = new KeyedMutex();

  private constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Opens (and creates) a data dir, reloading what an earlier server left in it. */
  static async open(dataDir: string): Promise<MockStore> {
    const store = new MockStore(dataDir);
    await rm(store.#tmpDir(), { recursive: true, force: true });
    await mkdir(store.#tmpDir(), { recursive: true });
    await mkdir(join(dataDir, 'buckets'), { recursive: true });
    await store.#load();
    return store;
  }

  // ---- buckets ----

  hasBucket(name: string): boolean {
    return this.#buckets.has(name);
  }

  /** Creates a bucket; an existing one is left as it is. */
  async createBucket(name: string, now: number, settings: BucketSettings = DEFAULT_BUCKET_SETTINGS): Promise<void> {
    if (this.#buckets.has(name)) return;
    const dir = this.#bucketDir(name);
    await mkdir(join(dir, 'uploads'), { recursive: true });
    await mkdir(join(dir, 'objects'), { recursive: true });
    const summary: BucketSummary = { name, created: now, ...settings };
    await this.#writeJson(join(dir, 'bucket.json'), summary);
    this.#buckets.set(name, { ...summary, uploads: new Map(), objects: new Map() });
  }

  bucketSummary(name: string): BucketSummary | undefined {
    const state = this.#buckets.get(name);
    return state && summaryOf(state);
  }

  /** Every bucket, in no particular order. */
  buckets(): BucketSummary[] {
    return [...this.#buckets.values()].map(summaryOf);
  }

  async setBucketAcl(name: string, acl: string): Promise<void> {
    const state = this.#bucket(name);
    await this.#writeJson(join(this.#bucketDir(name), 'bucket.json'), { ...summaryOf(state), acl });
    state.acl = acl;
  }

  /** Deletes an empty bucket: false (and nothing changes) while it holds objects or uploads. */
  async deleteBucket(name: string): Promise<boolean> {
    const state = this.#bucket(name);
    if (state.objects.size > 0 || state.uploads.size > 0) return false;
    this.#buckets.delete(name);
    await rm(this.#bucketDir(name), { recursive: true, force: true });
    return true;
  }

  // ---- uploads ----

  async createUpload(bucket: string, key: string, init: StoredHeaders & { forbidOverwrite: boolean }, now: number): Promise<UploadRecord> {
    const state = this.#bucket(bucket);
    const uploadId = randomBytes(16).toString('hex').toUpperCase();
    const upload: UploadRecord = { uploadId, bucket, key, initiated: now, ...init, parts: new Map(), gone: false };
    const dir = this.#uploadDir(upload);
    await mkdir(dir, { recursive: true });
    await this.#writeJson(join(dir, 'upload.json'), {
      uploadId,
      key,
      initiated: now,
      headers: init.headers,
      meta: init.meta,
      acl: init.acl,
      tags: init.tags,
      sse: init.sse,
      forbidOverwrite: init.forbidOverwrite,
    });
    state.uploads.set(uploadId, upload);
    return upload;
  }

  /** The live upload with this ID in this bucket, whatever its key. */
  findUpload(bucket: string, uploadId: string): UploadRecord | undefined {
    return this.#buckets.get(bucket)?.uploads.get(uploadId);
  }

  uploads(bucket: string): UploadRecord[] {
    return [...(this.#buckets.get(bucket)?.uploads.values() ?? [])];
  }

  /** Runs `fn` with no other metadata change to this upload in between. */
  withUploadLock<T>(upload: UploadRecord, fn: () => Promise<T>): Promise<T> {
    return this.#uploadLocks.run(`${upload.bucket}/${upload.uploadId}`, fn);
  }

  /**
   * Makes a received part current (replacing any earlier part with its number). `tempData` is
   * moved into the upload; false if the upload went away meanwhile (the data is then dropped).
   */
  async commitPart(upload: UploadRecord, part: PartRecord, tempData: string | undefined): Promise<boolean> {
    return this.withUploadLock(upload, async () => {
      if (upload.gone) {
        if (tempData) await rm(tempData, { force: true });
        return false;
      }
      const dir = this.#uploadDir(upload);
      let record = part;
      if (tempData) {
        record = { ...part, dataFile: `part-${part.partNumber}.${randomBytes(6).toString('hex')}.data` };
        await rename(tempData, join(dir, record.dataFile!));
      }
      await this.#writeJson(join(dir, `part-${part.partNumber}.json`), record);
      const previous = upload.parts.get(part.partNumber);
      upload.parts.set(part.partNumber, record);
      if (previous?.dataFile) await rm(join(dir, previous.dataFile), { force: true });
      return true;
    });
  }

  /** Updates a stored part's record in place (the 'corrupt' fault rewrites its hashes). */
  async rewritePartRecord(upload: UploadRecord, part: PartRecord): Promise<void> {
    await this.withUploadLock(upload, async () => {
      if (upload.gone || upload.parts.get(part.partNumber)?.dataFile !== part.dataFile) return;
      await this.#writeJson(join(this.#uploadDir(upload), `part-${part.partNumber}.json`), part);
      upload.parts.set(part.partNumber, part);
    });
  }

  partDataPath(upload: UploadRecord, part: PartRecord): string | undefined {
    return part.dataFile ? join(this.#uploadDir(upload), part.dataFile) : undefined;
  }

  /** Forgets the upload and deletes its parts. Call inside withUploadLock. */
  async removeUpload(upload: UploadRecord): Promise<void> {
    upload.gone = true;
    this.#buckets.get(upload.bucket)?.uploads.delete(upload.uploadId);
    await rm(this.#uploadDir(upload), { recursive: true, force: true });
  }

  // ---- objects ----

  getObject(bucket: string, key: string): ObjectRecord | undefined {
    return this.#buckets.get(bucket)?.objects.get(key);
  }

  objects(bucket: string): ObjectRecord[] {
    return [...(this.#buckets.get(bucket)?.objects.values() ?? [])];
  }

  /** Runs `fn` with no other write to this object in between (forbid-overwrite checks, replacements). */
  withObjectLock<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    return this.#objectLocks.run(`${bucket}/${key}`, fn);
  }

  /** Moves `tempData` into place as the object's content and records it. Call inside withObjectLock. */
  async commitObject(bucket: string, record: Omit<ObjectRecord, 'dataFile'>, tempData: string): Promise<ObjectRecord> {
    const state = this.#bucket(bucket);
    const stem = keyFileStem(record.key);
    const full: ObjectRecord = { ...record, dataFile: `${stem}.${randomBytes(6).toString('hex')}.data` };
    const dir = join(this.#bucketDir(bucket), 'objects');
    await rename(tempData, join(dir, full.dataFile));
    await this.#writeJson(join(dir, `${stem}.json`), full);
    const previous = state.objects.get(record.key);
    state.objects.set(record.key, full);
    // A GET that already opened the old file keeps reading it; unlinking does not disturb it.
    if (previous) await rm(join(dir, previous.dataFile), { force: true });
    return full;
  }

  /** Replaces an object's record, keeping its data file (ACL, tags, restore state). Call inside withObjectLock. */
  async updateObjectRecord(bucket: string, record: ObjectRecord): Promise<void> {
    const state = this.#bucket(bucket);
    if (state.objects.get(record.key)?.dataFile !== record.dataFile) throw new Error(`object ${record.key} was replaced meanwhile`);
    await this.#writeJson(join(this.#bucketDir(bucket), 'objects', `${keyFileStem(record.key)}.json`), record);
    state.objects.set(record.key, record);
  }

  /** Deletes an object; false if there was none. Call inside withObjectLock. */
  async deleteObject(bucket: string, key: string): Promise<boolean> {
    const state = this.#buckets.get(bucket);
    const previous = state?.objects.get(key);
    if (!state || !previous) return false;
    state.objects.delete(key);
    const dir = join(this.#bucketDir(bucket), 'objects');
    await rm(join(dir, `${keyFileStem(key)}.json`), { force: true });
    await rm(join(dir, previous.dataFile), { force: true });
    return true;
  }

  objectDataPath(bucket: string, record: ObjectRecord): string {
    return join(this.#bucketDir(bucket), 'objects', record.dataFile);
  }

  // ---- files ----

  /** A fresh, unique path in tmp/ for a body being received. */
  tempPath(label: string): string {
    return join(this.#tmpDir(), `${label}.${randomBytes(8).toString('hex')}.tmp`);
  }

  #tmpDir(): string {
    return join(this.dataDir, 'tmp');
  }

  #bucketDir(bucket: string): string {
    return join(this.dataDir, 'buckets', bucket);
  }

  #uploadDir(upload: UploadRecord): string {
    return join(this.#bucketDir(upload.bucket), 'uploads', upload.uploadId);
  }

  #bucket(name: string): BucketState {
    const state = this.#buckets.get(name);
    // Deleted while a request that found it was still at work (a PutObject receiving its body).
    if (!state) throw noSuchBucket(name);
    return state;
  }

  async #writeJson(path: string, value: unknown): Promise<void> {
    const temp = this.tempPath('meta');
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, path);
  }

  async #load(): Promise<void> {
    const root = join(this.dataDir, 'buckets');
    for (const name of await readdir(root)) {
      const info = await readJson<Partial<BucketSummary>>(join(root, name, 'bucket.json'));
      if (!info || info.name !== name || typeof info.created !== 'number') continue;
      // Buckets written before settings were kept have the defaults.
      const state: BucketState = { ...DEFAULT_BUCKET_SETTINGS, ...info, name, created: info.created, uploads: new Map(), objects: new Map() };
      this.#buckets.set(name, state);
      await this.#loadObjects(state);
      await this.#loadUploads(state);
    }
  }

  async #loadObjects(state: BucketState): Promise<void> {
    const dir = join(this.#bucketDir(state.name), 'objects');
    const files = await readdirOrEmpty(dir);
    for (const file of files) {
      if (!file.endsWith('.json')) continue;
      const record = await readJson<ObjectRecord>(join(dir, file));
      if (record && `${keyFileStem(record.key)}.json` === file) state.objects.set(record.key, record);
    }
    await removeOrphans(dir, files, new Set([...state.objects.values()].map((o) => o.dataFile)));
  }

  async #loadUploads(state: BucketState): Promise<void> {
    const dir = join(this.#bucketDir(state.name), 'uploads');
    for (const uploadId of await readdirOrEmpty(dir)) {
      if (!isUploadIdShape(uploadId)) continue;
      const saved = await readJson<Omit<UploadRecord, 'parts' | 'gone' | 'bucket'>>(join(dir, uploadId, 'upload.json'));
      if (!saved || saved.uploadId !== uploadId) continue;
      const upload: UploadRecord = { ...saved, bucket: state.name, parts: new Map(), gone: false };
      const files = await readdirOrEmpty(join(dir, uploadId));
      for (const file of files) {
        if (!/^part-\d+\.json$/.test(file)) continue;
        const part = await readJson<PartRecord>(join(dir, uploadId, file));
        if (part) upload.parts.set(part.partNumber, part);
      }
      const referenced = new Set([...upload.parts.values()].map((p) => p.dataFile));
      await removeOrphans(join(dir, uploadId), files, referenced);
      state.uploads.set(uploadId, upload);
    }
  }
}

function summaryOf(state: BucketState): BucketSummary {
  return { name: state.name, created: state.created, acl: state.acl, storageClass: state.storageClass, dataRedundancyType: state.dataRedundancyType };
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined; // missing or torn by a crash: treat as absent
  }
}

/** Data files no record names: left by a crash between moving data in and writing its record. */
async function removeOrphans(dir: string, files: string[], referenced: Set<string | undefined>): Promise<void> {
  for (const file of files) if (file.endsWith('.data') && !referenced.has(file)) await rm(join(dir, file), { force: true });
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
