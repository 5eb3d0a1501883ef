// hash-wasm's MD5 and CRC-64 builds, loaded one by one. Its main entry carries every algorithm it
// has (argon2, blake3, whirlpool... as inline wasm) and costs about 9 MiB more resident memory
// than these two, in every process that uploads.
import { createRequire } from 'node:module';
import type { IDataType, IHasher } from 'hash-wasm';

const require = createRequire(import.meta.url);

interface Md5Build {
  createMD5(): Promise<IHasher>;
}

interface Crc64Build {
  crc64(data: IDataType, polynomial?: string): Promise<string>;
  createCRC64(polynomial?: string): Promise<IHasher>;
}

const md5Build = require('hash-wasm/dist/md5.umd.min.js') as Md5Build;
const crc64Build = require('hash-wasm/dist/crc64.umd.min.js') as Crc64Build;

export const createMD5 = md5Build.createMD5;
/** One-shot CRC-64 (default: the ECMA-182 polynomial OSS uses), lower-case hex. */
export const crc64 = crc64Build.crc64;
export const createCRC64 = crc64Build.createCRC64;
