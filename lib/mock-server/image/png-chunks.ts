// The PNG container: the 8-byte signature, then chunks of length, type, data and a CRC-32 over
// type and data (PNG spec §5). Shared by the decoder and the encoder.
import { crc32 } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Why a PNG was refused: it is damaged, or it is valid but uses what this decoder lacks. */
export class PngError extends Error {
  override name = 'PngError';
  constructor(
    readonly kind: 'corrupt' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

export const corrupt = (message: string): PngError => new PngError('corrupt', message);

export interface PngChunk {
  type: string;
  data: Buffer;
}

export function isPng(bytes: Buffer): boolean {
  return bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE);
}

/** The chunks in order, each CRC-checked; stops after IEND (trailing bytes are ignored, as libpng does). */
export function* readChunks(png: Buffer): Generator<PngChunk> {
  if (!isPng(png)) throw corrupt('the PNG signature is missing');
  let offset = PNG_SIGNATURE.length;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw corrupt('a chunk header is cut short');
    const length = png.readUInt32BE(offset);
    if (length > 0x7fffffff) throw corrupt('a chunk length exceeds 2^31-1');
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw corrupt(`a chunk type ${JSON.stringify(type)} is not four letters`);
    const end = offset + 8 + length;
    if (end + 4 > png.length) throw corrupt(`the ${type} chunk is cut short`);
    const expected = png.readUInt32BE(end);
    if (crc32(png.subarray(offset + 4, end)) !== expected) throw corrupt(`the ${type} chunk's CRC does not match its contents`);
    yield { type, data: png.subarray(offset + 8, end) };
    if (type === 'IEND') return;
    offset = end + 4;
  }
  throw corrupt('the IEND chunk is missing');
}

export function writeChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
