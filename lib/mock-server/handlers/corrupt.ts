// The 'corrupt' fault: flip one byte of stored data and re-hash it, as if the bytes had been
// damaged on the way in after the Content-MD5 check: the server's records (ETag, CRC) then
// describe the damaged data, so a client that compares ETags or re-lists parts can notice.
import { open } from 'node:fs/promises';
import { md5OfFileRange } from '../../hash/md5.js';

export interface Rehashed {
  md5Hex: string;
  md5Base64: string;
  crc64: string;
}

/** Flips the middle byte of the file's first `size` bytes; undefined for an empty file. */
export async function corruptFile(path: string, size: number): Promise<Rehashed | undefined> {
  if (size === 0) return undefined;
  const offset = Math.floor(size / 2);
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
  const digest = await md5OfFileRange(path, 0, size, undefined, { crc64: true });
  return { md5Hex: digest.hex, md5Base64: digest.base64, crc64: digest.crc64! };
}
