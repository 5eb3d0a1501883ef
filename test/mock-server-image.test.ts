// Image processing in the mock: the PNG decoder and encoder (every colour type, every filter, a
// damaged file refused).
import t from 'tap';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { PngError } from '../lib/mock-server/image/png-chunks.js';
import { decodePng } from '../lib/mock-server/image/png-decode.js';
import { encodePng } from '../lib/mock-server/image/png-encode.js';
import type { FilterType } from '../lib/mock-server/image/png-filters.js';
import type { Channels, Raster } from '../lib/mock-server/image/raster.js';

// ---- PNGs built by hand, independently of the encoder under test ----

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + body.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 4 + body.length);
  return out;
}

interface HandPng {
  width: number;
  height: number;
  colourType: number;
  bitDepth?: number;
  interlace?: number;
  /** Scanlines as stored: each starts with its filter byte. */
  rows: number[][];
  plte?: number[];
  trns?: number[];
}

function handPng(spec: HandPng): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = spec.bitDepth ?? 8;
  ihdr[9] = spec.colourType;
  ihdr[12] = spec.interlace ?? 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(spec.plte ? [chunk('PLTE', Buffer.from(spec.plte))] : []),
    ...(spec.trns ? [chunk('tRNS', Buffer.from(spec.trns))] : []),
    chunk('tEXt', Buffer.from('Comment\0an ancillary chunk the decoder skips', 'latin1')),
    chunk('IDAT', deflateSync(Buffer.from(spec.rows.flat()))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pixels = (raster: Raster): number[] => [...raster.data];

/** Samples that vary in every direction, so each filter has something to predict. */
function synthetic(width: number, height: number, channels: Channels): Raster {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (x * 7 + y * 13 + c * 61 + ((x * y) % 17) * 5) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** The filter byte of each scanline in an encoded PNG's (single) IDAT. */
function rowFilters(png: Buffer, raster: Raster): number[] {
  const start = png.indexOf('IDAT', 0, 'latin1');
  const length = png.readUInt32BE(start - 4);
  const raw = inflateSync(png.subarray(start + 4, start + 4 + length));
  const stride = raster.width * raster.channels + 1;
  return Array.from({ length: raster.height }, (_, y) => raw[y * stride]!);
}

t.test('the decoder reads each colour type at bit depth 8, with tRNS as alpha', async (t) => {
  t.same(decodePng(handPng({ width: 2, height: 1, colourType: 0, rows: [[0, 10, 250]] })), { width: 2, height: 1, channels: 1, data: new Uint8Array([10, 250]) }, 'grey');
  t.same(pixels(decodePng(handPng({ width: 2, height: 1, colourType: 2, rows: [[0, 1, 2, 3, 4, 5, 6]] }))), [1, 2, 3, 4, 5, 6], 'RGB');
  t.same(pixels(decodePng(handPng({ width: 2, height: 1, colourType: 4, rows: [[0, 9, 0, 99, 255]] }))), [9, 0, 99, 255], 'grey + alpha');
  t.same(pixels(decodePng(handPng({ width: 1, height: 1, colourType: 6, rows: [[0, 1, 2, 3, 4]] }))), [1, 2, 3, 4], 'RGBA');
  const palette = decodePng(handPng({ width: 3, height: 1, colourType: 3, plte: [255, 0, 0, 0, 255, 0, 0, 0, 255], rows: [[0, 2, 0, 1]] }));
  t.equal(palette.channels, 3, 'a palette is expanded to RGB');
  t.same(pixels(palette), [0, 0, 255, 255, 0, 0, 0, 255, 0]);
  const clear = decodePng(handPng({ width: 2, height: 1, colourType: 3, plte: [255, 0, 0, 0, 255, 0], trns: [0], rows: [[0, 0, 1]] }));
  t.same([clear.channels, ...pixels(clear)], [4, 255, 0, 0, 0, 0, 255, 0, 255], 'tRNS on a palette: entries past it are opaque');
  const keyed = decodePng(handPng({ width: 2, height: 1, colourType: 2, trns: [0, 1, 0, 2, 0, 3], rows: [[0, 1, 2, 3, 1, 2, 4]] }));
  t.same([keyed.channels, ...pixels(keyed)], [4, 1, 2, 3, 0, 1, 2, 4, 255], 'tRNS key colour on RGB');
  const greyKey = decodePng(handPng({ width: 2, height: 1, colourType: 0, trns: [0, 7], rows: [[0, 7, 8]] }));
  t.same([greyKey.channels, ...pixels(greyKey)], [2, 7, 0, 8, 255], 'tRNS key level on grey');
});

t.test('the decoder undoes each of the five filters (hand-computed rows)', async (t) => {
  // Grey 2×2 image [[100, 150], [120, 200]], stored with each filter (values from PNG spec §9).
  const stored: Record<FilterType, number[][]> = {
    0: [[0, 100, 150], [0, 120, 200]],
    1: [[1, 100, 50], [1, 120, 80]],
    2: [[2, 100, 150], [2, 20, 50]],
    3: [[3, 100, 100], [3, 70, 65]],
    4: [[4, 100, 50], [4, 20, 50]],
  };
  for (const [type, rows] of Object.entries(stored)) {
    t.same(pixels(decodePng(handPng({ width: 2, height: 2, colourType: 0, rows }))), [100, 150, 120, 200], `filter ${type}`);
  }
  t.same(pixels(decodePng(handPng({ width: 2, height: 2, colourType: 0, rows: [stored[4][0]!, stored[3][1]!] }))), [100, 150, 120, 200], 'filters mixed row by row');
});

t.test('encode → decode gives the same pixels for every channel count and every filter', async (t) => {
  for (const channels of [1, 2, 3, 4] as const) {
    const raster = synthetic(37, 23, channels);
    const adaptive = encodePng(raster);
    t.same(decodePng(adaptive), raster, `${channels} channels, filter chosen per row`);
    t.ok(new Set(rowFilters(adaptive, raster)).size > 1, 'the per-row choice uses more than one filter');
    t.ok(encodePng(raster).equals(adaptive), 'the same pixels encode to the same bytes');
    for (const filter of [0, 1, 2, 3, 4] as const) {
      const png = encodePng(raster, { filter });
      t.same(new Set(rowFilters(png, raster)), new Set([filter]), `every row stored with filter ${filter}`);
      t.same(decodePng(png), raster, `${channels} channels through filter ${filter}`);
    }
  }
});

t.test('damaged and unsupported PNGs are refused, saying why', async (t) => {
  const good = encodePng(synthetic(8, 8, 3));
  const refusal = (png: Buffer): PngError => {
    try {
      decodePng(png);
    } catch (error) {
      if (error instanceof PngError) return error;
      throw error;
    }
    throw new Error('decoded');
  };
  const flipped = Buffer.from(good);
  flipped[good.indexOf('IDAT', 0, 'latin1') + 6]! ^= 0x01;
  t.match(refusal(flipped), { kind: 'corrupt', message: /IDAT chunk's CRC/ }, 'a flipped byte fails the CRC');
  t.match(refusal(good.subarray(0, good.length - 20)), { kind: 'corrupt' }, 'cut short');
  t.match(refusal(Buffer.concat([Buffer.from('not a png'), good])), { kind: 'corrupt', message: /signature/ });
  t.match(refusal(handPng({ width: 2, height: 1, colourType: 0, rows: [[5, 1, 2]] })), { kind: 'corrupt', message: /filter type 5/ });
  t.match(refusal(handPng({ width: 2, height: 2, colourType: 0, rows: [[0, 1, 2]] })), { kind: 'corrupt', message: /inflates to 3 bytes/ });
  t.match(refusal(handPng({ width: 1, height: 1, colourType: 3, rows: [[0, 0]] })), { kind: 'corrupt', message: /no PLTE/ });
  t.match(refusal(handPng({ width: 1, height: 1, colourType: 3, plte: [1, 2, 3], rows: [[0, 1]] })), { kind: 'corrupt', message: /palette index 1/ });
  t.match(refusal(handPng({ width: 1, height: 1, colourType: 2, bitDepth: 16, rows: [[0, 0, 1, 0, 2, 0, 3]] })), { kind: 'unsupported', message: /bit depth 16/ });
  t.match(refusal(handPng({ width: 1, height: 1, colourType: 0, interlace: 1, rows: [[0, 9]] })), { kind: 'unsupported', message: /interlac/ });
  t.match(refusal(handPng({ width: 1, height: 1, colourType: 2, bitDepth: 4, rows: [[0, 0]] })), { kind: 'corrupt', message: /not a valid PNG combination/ });
});
