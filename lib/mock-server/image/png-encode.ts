// Writes a raster as an 8-bit, non-interlaced PNG (colour type 0, 4, 2 or 6 by its channels):
// IHDR, one zlib IDAT, IEND. Each row gets the filter that leaves the smallest sum of absolute
// (signed) differences, the heuristic the PNG spec suggests; a fixed filter can be asked for.
// The output depends only on the pixels, so the same image always encodes to the same bytes.
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, writeChunk } from './png-chunks.js';
import { FILTER_TYPES, filterRow, type FilterType } from './png-filters.js';
import type { Channels, Raster } from './raster.js';

const COLOUR_TYPE: Record<Channels, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

export interface PngEncodeOptions {
  /** One filter for every row; default: the best per row. */
  filter?: FilterType | undefined;
}

function signedCost(row: Uint8Array): number {
  let cost = 0;
  for (const byte of row) cost += byte < 128 ? byte : 256 - byte;
  return cost;
}

function filteredScanlines(raster: Raster, fixed: FilterType | undefined): Buffer {
  const stride = raster.width * raster.channels;
  const out = Buffer.alloc(raster.height * (stride + 1));
  const candidates = FILTER_TYPES.map(() => new Uint8Array(stride));
  for (let y = 0; y < raster.height; y++) {
    const row = raster.data.subarray(y * stride, (y + 1) * stride);
    const prior = y > 0 ? raster.data.subarray((y - 1) * stride, y * stride) : undefined;
    let best: FilterType = fixed ?? 0;
    if (fixed === undefined) {
      let bestCost = Infinity;
      for (const type of FILTER_TYPES) {
        filterRow(type, row, prior, raster.channels, candidates[type]!);
        const cost = signedCost(candidates[type]!);
        if (cost < bestCost) [best, bestCost] = [type, cost];
      }
    } else filterRow(fixed, row, prior, raster.channels, candidates[fixed]!);
    out[y * (stride + 1)] = best;
    out.set(candidates[best]!, y * (stride + 1) + 1);
  }
  return out;
}

export function encodePng(raster: Raster, options: PngEncodeOptions = {}): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(raster.width, 0);
  header.writeUInt32BE(raster.height, 4);
  header[8] = 8;
  header[9] = COLOUR_TYPE[raster.channels];
  // Compression, filter method and interlace are all 0 (deflate, adaptive filtering, none).
  return Buffer.concat([
    PNG_SIGNATURE,
    writeChunk('IHDR', header),
    writeChunk('IDAT', deflateSync(filteredScanlines(raster, options.filter))),
    writeChunk('IEND', Buffer.alloc(0)),
  ]);
}
