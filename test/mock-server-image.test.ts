// Image processing in the mock: the PNG decoder and encoder (every colour type, every filter, a
// damaged file refused) and OSS's resize geometry (the documentation's examples) and sampling.
import t from 'tap';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { PngError } from '../lib/mock-server/image/png-chunks.js';
import { decodePng } from '../lib/mock-server/image/png-decode.js';
import { encodePng } from '../lib/mock-server/image/png-encode.js';
import type { FilterType } from '../lib/mock-server/image/png-filters.js';
import type { Channels, Raster } from '../lib/mock-server/image/raster.js';
import { parseResizeParams } from '../lib/mock-server/image/resize-params.js';
import { planResize, resizeImage } from '../lib/mock-server/image/resize.js';
import { MockOssError } from '../lib/mock-server/mock-error.js';

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

// ---- resize ----

const size = (sourceWidth: number, sourceHeight: number, params: string): string => {
  const plan = planResize(sourceWidth, sourceHeight, parseResizeParams(params.split(',')));
  return `${plan.width}x${plan.height}`;
};

t.test('resize sizes follow OSS’s documented examples', async (t) => {
  // The docs' table: a 200×100 source with w=150, h=80 in each mode.
  t.equal(size(200, 100, 'm_lfit,w_150,h_80'), '150x75', 'lfit: largest inside 150×80');
  t.equal(size(200, 100, 'w_150,h_80'), '150x75', 'lfit is the default');
  t.equal(size(200, 100, 'm_mfit,w_150,h_80'), '160x80', 'mfit: smallest covering 150×80');
  t.equal(size(200, 100, 'm_fill,w_150,h_80'), '150x80', 'fill: mfit cropped to 150×80');
  t.equal(size(200, 100, 'm_pad,w_150,h_80'), '150x80', 'pad: lfit on a 150×80 canvas');
  t.equal(size(200, 100, 'm_fixed,w_150,h_80'), '150x80', 'fixed');
  // The SDK's own test image.
  t.equal(size(1024, 768, 'w_200'), '200x150', 'one side: the other follows the ratio');
  t.equal(size(1024, 768, 'h_100'), '133x100', 'the ratio rounded');
  t.equal(size(1024, 768, 'm_fixed,w_200'), '200x150', 'fixed with one side is proportional');
  t.equal(size(1024, 768, 'l_200'), '200x150', 'l: the longer side');
  t.equal(size(768, 1024, 'l_200'), '150x200', 'l on a portrait image');
  t.equal(size(1024, 768, 's_300'), '400x300', 's: the shorter side');
  t.equal(size(1024, 768, 'w_100,l_500'), '100x75', 'l is ignored when w is given');
  t.equal(size(1024, 768, 'p_50'), '512x384', 'p alone');
  t.equal(size(1024, 768, 'p_150'), '1536x1152', 'p alone also enlarges');
  t.equal(size(1024, 768, 'w_100,h_100,p_200'), '200x150', 'p scales w and h (100w_100h_200p = 200w_200h)');
  t.equal(size(1024, 768, 'w_2000'), '1024x768', 'limit_1 (default): no enlarging');
  t.equal(size(1024, 768, 'm_fixed,w_2000,h_100'), '1024x768', 'limit_1 with fixed');
  t.equal(size(1024, 768, 'w_2000,limit_0'), '2000x1500', 'limit_0 enlarges');

  const pad = planResize(1024, 768, parseResizeParams(['m_pad', 'w_200', 'h_200']));
  t.match(pad, { width: 200, height: 200, scaledWidth: 200, scaledHeight: 150, offsetX: 0, offsetY: 25 }, 'pad centres the scaled image');
});

t.test('resize parameters are checked as OSS does', async (t) => {
  const refused = (params: string): MockOssError | undefined => {
    try {
      planResize(1024, 768, parseResizeParams(params.split(',')));
    } catch (error) {
      if (error instanceof MockOssError) return error;
      throw error;
    }
    return undefined;
  };
  t.match(refused('w_100,m_abc'), { status: 400, code: 'InvalidArgument', ec: '0040-00000311' });
  t.match(refused('w_0'), { code: 'InvalidArgument', ec: '0040-00000312' });
  t.match(refused('w_16385'), { code: 'InvalidArgument', ec: '0040-00000312' });
  t.match(refused('s_0'), { ec: '0040-00000315' });
  t.match(refused('p_1001'), { ec: '0040-00000317' });
  t.match(refused('w_100,limit_3'), { ec: '0040-00000319' });
  t.match(refused('m_fixed'), { code: 'MissingArgument', ec: '0040-00000322' });
  t.match(refused('w_100,x_1'), { code: 'InvalidArgument', message: /no parameter "x"/ });
  t.match(refused('m_fixed,w_5000,h_5000,limit_0'), { code: 'InvalidArgument', ec: '0040-00000007' }, 'over 4096×4096 pixels out');
  t.equal(refused('m_fixed,w_4096,h_4096,limit_0'), undefined, 'exactly 4096×4096 is allowed');
});

t.test('resampling averages areas, interpolates when enlarging, and respects alpha', async (t) => {
  const grey = (width: number, height: number, values: number[]): Raster => ({ width, height, channels: 1, data: new Uint8Array(values) });
  const blocks = grey(4, 4, [0, 0, 200, 200, 0, 0, 200, 200, 40, 40, 80, 80, 40, 40, 80, 80]);
  t.same(pixels(resizeImage(blocks, parseResizeParams(['w_2']))), [0, 200, 40, 80], 'each output pixel is the mean of the 2×2 block under it');
  t.same(pixels(resizeImage(grey(3, 1, [0, 90, 180]), parseResizeParams(['m_fixed', 'w_2', 'h_1']))), [30, 150], 'fractional coverage: 1.5 source pixels each');
  t.same(pixels(resizeImage(grey(2, 1, [0, 100]), parseResizeParams(['m_fixed', 'w_4', 'h_1', 'limit_0']))), [0, 25, 75, 100], 'bilinear between pixel centres');
  const redAndClear: Raster = { width: 2, height: 1, channels: 4, data: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 0]) };
  t.same(pixels(resizeImage(redAndClear, parseResizeParams(['w_1']))), [255, 0, 0, 128], "a transparent pixel's colour does not bleed in");
  const columns = grey(4, 2, [10, 20, 30, 40, 10, 20, 30, 40]);
  t.same(pixels(resizeImage(columns, parseResizeParams(['m_fill', 'w_2', 'h_2']))), [20, 30, 20, 30], 'fill keeps the centre');
  const padded = resizeImage(grey(2, 1, [50, 50]), parseResizeParams(['m_pad', 'w_2', 'h_3', 'color_FF0000', 'limit_0']));
  t.same([padded.width, padded.height, padded.channels], [2, 3, 3], 'a coloured pad turns grey into RGB');
  t.same(pixels(padded), [255, 0, 0, 255, 0, 0, 50, 50, 50, 50, 50, 50, 255, 0, 0, 255, 0, 0], 'the border is the pad colour, the image centred');
});
