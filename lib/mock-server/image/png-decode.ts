// A PNG decoder for what the mock processes: colour types 0 (grey), 2 (RGB), 3 (palette),
// 4 (grey + alpha) and 6 (RGBA) at bit depth 8, not interlaced; tRNS becomes an alpha channel.
// Every chunk's CRC and the chunk order are checked; other bit depths and Adam7 interlacing are
// refused as 'unsupported', anything malformed as 'corrupt'. The header is read first, so a
// caller can refuse an image by its size before anything is inflated.
import { inflateSync } from 'node:zlib';
import { corrupt, PngError, readChunks, type PngChunk } from './png-chunks.js';
import { unfilterRow, type FilterType } from './png-filters.js';
import type { Channels, Raster } from './raster.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

/** Samples per pixel of each colour type, as stored (a palette index is one sample). */
const STORED_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** The bit depths the PNG spec allows per colour type. */
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function parseHeader(chunk: PngChunk | undefined): PngHeader {
  if (!chunk || chunk.type !== 'IHDR') throw corrupt('the first chunk is not IHDR');
  if (chunk.data.length !== 13) throw corrupt('the IHDR chunk is not 13 bytes long');
  const d = chunk.data;
  const header: PngHeader = { width: d.readUInt32BE(0), height: d.readUInt32BE(4), bitDepth: d[8]!, colourType: d[9]!, interlaced: d[12] === 1 };
  if (header.width === 0 || header.height === 0 || header.width > 0x7fffffff || header.height > 0x7fffffff) throw corrupt('the image width or height is 0 or above 2^31-1');
  if (!ALLOWED_DEPTHS[header.colourType]?.includes(header.bitDepth)) throw corrupt(`colour type ${header.colourType} with bit depth ${header.bitDepth} is not a valid PNG combination`);
  if (d[10] !== 0 || d[11] !== 0 || d[12]! > 1) throw corrupt('the IHDR compression, filter or interlace method is unknown');
  return header;
}

/** The IHDR of `png`, checked; does not look at the pixel data. */
export function readPngHeader(png: Buffer): PngHeader {
  return parseHeader(readChunks(png).next().value as PngChunk | undefined);
}

function requireDecodable(header: PngHeader): void {
  if (header.bitDepth !== 8) throw new PngError('unsupported', `bit depth ${header.bitDepth} (only 8-bit samples are decoded)`);
  if (header.interlaced) throw new PngError('unsupported', 'Adam7 interlacing (only non-interlaced images are decoded)');
}

interface ImageChunks {
  header: PngHeader;
  palette: Buffer | undefined;
  transparency: Buffer | undefined;
  compressed: Buffer;
}

/** Walks the chunks once, checking the order the spec requires; unknown ancillary chunks are skipped. */
function collectChunks(png: Buffer): ImageChunks {
  const chunks = readChunks(png);
  const header = parseHeader(chunks.next().value as PngChunk | undefined);
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  let idatEnded = false;
  for (const { type, data } of chunks) {
    if (type === 'IDAT') {
      if (idatEnded) throw corrupt('the IDAT chunks are not consecutive');
      idat.push(data);
      continue;
    }
    if (idat.length > 0) idatEnded = true;
    switch (type) {
      case 'IHDR':
        throw corrupt('a second IHDR chunk');
      case 'PLTE':
        if (palette || idat.length > 0 || transparency) throw corrupt('PLTE is repeated or comes after IDAT or tRNS');
        if (data.length === 0 || data.length % 3 !== 0 || data.length > 768) throw corrupt('the PLTE length is not a multiple of 3 up to 768');
        palette = data;
        break;
      case 'tRNS':
        if (transparency || idat.length > 0) throw corrupt('tRNS is repeated or comes after IDAT');
        transparency = data;
        break;
      case 'IEND':
        if (data.length !== 0) throw corrupt('the IEND chunk is not empty');
        break;
      default:
        // Bit 5 of the first letter (lower case) marks an ancillary chunk a decoder may skip.
        if ((type.charCodeAt(0) & 0x20) === 0) throw corrupt(`unknown critical chunk ${type}`);
    }
  }
  if (idat.length === 0) throw corrupt('there is no IDAT chunk');
  if (header.colourType === 3 && !palette) throw corrupt('a palette image has no PLTE chunk');
  if ((header.colourType === 0 || header.colourType === 4) && palette) throw corrupt('a grey image has a PLTE chunk');
  return { header, palette, transparency, compressed: Buffer.concat(idat) };
}

/** The filtered scanlines, inflated and unfiltered in place; exactly height × width × samples bytes of them. */
function scanlines(header: PngHeader, compressed: Buffer): Uint8Array {
  const bpp = STORED_SAMPLES[header.colourType]!;
  const stride = header.width * bpp;
  const expected = header.height * (stride + 1);
  let raw: Buffer;
  try {
    // The bound keeps a deflate bomb from inflating past what the header promises.
    raw = inflateSync(compressed, { maxOutputLength: expected + 1 });
  } catch (error) {
    throw corrupt(`the image data does not inflate: ${(error as Error).message}`);
  }
  if (raw.length !== expected) throw corrupt(`the image data inflates to ${raw.length} bytes where the header needs ${expected}`);
  const pixels = new Uint8Array(header.height * stride);
  let prior: Uint8Array | undefined;
  for (let y = 0; y < header.height; y++) {
    const type = raw[y * (stride + 1)]!;
    if (type > 4) throw corrupt(`row ${y} has unknown filter type ${type}`);
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    row.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    unfilterRow(type as FilterType, row, prior, bpp);
    prior = row;
  }
  return pixels;
}

function expandPalette(samples: Uint8Array, palette: Buffer, transparency: Buffer | undefined): { channels: Channels; data: Uint8Array } {
  const entries = palette.length / 3;
  if (transparency && transparency.length > entries) throw corrupt('tRNS has more entries than the palette');
  const channels: Channels = transparency ? 4 : 3;
  const data = new Uint8Array(samples.length * channels);
  for (let i = 0; i < samples.length; i++) {
    const index = samples[i]!;
    if (index >= entries) throw corrupt(`palette index ${index} is past the ${entries}-entry palette`);
    data[i * channels] = palette[index * 3]!;
    data[i * channels + 1] = palette[index * 3 + 1]!;
    data[i * channels + 2] = palette[index * 3 + 2]!;
    if (transparency) data[i * 4 + 3] = index < transparency.length ? transparency[index]! : 255;
  }
  return { channels, data };
}

/** Grey or RGB with a tRNS key colour: one more channel, 0 where the pixel is the key, 255 elsewhere. */
function keyColourAlpha(samples: Uint8Array, channels: 1 | 3, transparency: Buffer): { channels: Channels; data: Uint8Array } {
  if (transparency.length !== channels * 2) throw corrupt(`tRNS for this colour type must be ${channels * 2} bytes`);
  // The key is stored as 16-bit samples; at bit depth 8 only the low byte can match.
  const key = Array.from({ length: channels }, (_, c) => transparency.readUInt16BE(c * 2));
  const pixels = samples.length / channels;
  const out = new Uint8Array(pixels * (channels + 1));
  for (let i = 0; i < pixels; i++) {
    let isKey = true;
    for (let c = 0; c < channels; c++) {
      const sample = samples[i * channels + c]!;
      out[i * (channels + 1) + c] = sample;
      if (sample !== key[c]) isKey = false;
    }
    out[i * (channels + 1) + channels] = isKey ? 0 : 255;
  }
  return { channels: (channels + 1) as Channels, data: out };
}

/** Decodes `png`; throws PngError ('corrupt' or 'unsupported'). */
export function decodePng(png: Buffer): Raster {
  const { header, palette, transparency, compressed } = collectChunks(png);
  requireDecodable(header);
  const samples = scanlines(header, compressed);
  const { width, height, colourType } = header;
  if (colourType === 3) return { width, height, ...expandPalette(samples, palette!, transparency) };
  if (transparency && (colourType === 4 || colourType === 6)) throw corrupt('an image with an alpha channel has a tRNS chunk');
  if (transparency) return { width, height, ...keyColourAlpha(samples, colourType === 0 ? 1 : 3, transparency) };
  return { width, height, channels: STORED_SAMPLES[colourType] as Channels, data: samples };
}
