// Image processing in the mock: the PNG decoder and encoder (every colour type, every filter, a
// damaged file refused), OSS's resize geometry (the documentation's examples) and sampling, and
// GET ?x-oss-process / processObjectSave over HTTP, signed, presigned and through ali-oss.
import t, { type Test } from 'tap';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { request } from 'undici';
import { PngError } from '../lib/mock-server/image/png-chunks.js';
import { decodePng } from '../lib/mock-server/image/png-decode.js';
import { encodePng } from '../lib/mock-server/image/png-encode.js';
import type { FilterType } from '../lib/mock-server/image/png-filters.js';
import type { Channels, Raster } from '../lib/mock-server/image/raster.js';
import { parseResizeParams } from '../lib/mock-server/image/resize-params.js';
import { planResize, resizeImage } from '../lib/mock-server/image/resize.js';
import { presignQueryV1 } from '../lib/signer/v1.js';
import { presignQueryV4 } from '../lib/signer/v4.js';
import { encodeQuery } from '../lib/transport/endpoint.js';
import { MockOssError } from '../lib/mock-server/mock-error.js';
import type { MockServer } from '../lib/mock-server/index.js';
import { aliOssClient } from './helpers/ali-oss-client.js';
import { BUCKET, CREDS, ossRequest, pathFor, withMockServer, xmlField } from './mock-server-helpers.js';

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

// ---- over HTTP ----

/** A 1024×768 RGB PNG like the SDK's own test fixture, made here. */
const SOURCE = synthetic(1024, 768, 3);
const SOURCE_PNG = encodePng(SOURCE);
const KEY = 'images/source-1024x768.png';

async function withImage(t: Test): Promise<MockServer> {
  const server = await withMockServer(t);
  const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: KEY, body: SOURCE_PNG, headers: { 'content-type': 'image/png', 'x-oss-meta-origin': 'test' } });
  if (put.status !== 200) throw new Error(put.text);
  return server;
}

function decodedSize(body: Buffer): string {
  const image = decodePng(body);
  return `${image.width}x${image.height}`;
}

t.test('GET with x-oss-process=image/resize answers a resized PNG, V1 and V4', async (t) => {
  const server = await withImage(t);
  for (const sign of ['v1', 'v4'] as const) {
    const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: KEY, query: { 'x-oss-process': 'image/resize,w_200' }, sign });
    t.equal(got.status, 200, `${sign}: ${xmlField(got.text, "Code") ?? "ok"}`);
    t.equal(got.headers['content-type'], 'image/png');
    t.equal(got.headers['content-length'], String(got.body.length));
    t.equal(decodedSize(got.body), '200x150', `${sign}: resized`);
  }
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: KEY });
  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: KEY, query: { 'x-oss-process': 'image/resize,m_fill,w_100,h_100/format,png' }, headers: { range: 'bytes=0-9' } });
  t.equal(got.status, 200, 'a range does not apply to a processed image');
  t.equal(decodedSize(got.body), '100x100', 'a chain: resize then format,png');
  t.equal(got.headers['etag'], head.headers['etag'], "the ETag is the source object's, as OSS sends it");
  t.equal(got.headers['x-oss-meta-origin'], 'test');
  t.equal(got.headers['x-oss-hash-crc64ecma'], undefined, "the source's CRC does not describe the processed bytes");
  t.equal(got.headers['content-md5'], undefined);
  const pixelsMatch = resizeImage(SOURCE, parseResizeParams(['m_fill', 'w_100', 'h_100']));
  t.same(decodePng(got.body), pixelsMatch, 'the body is the resize of the stored image');
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'link.png', query: { symlink: '' }, headers: { 'x-oss-symlink-target': KEY } });
  const linked = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'link.png', query: { 'x-oss-process': 'image/resize,p_25' } });
  t.equal(decodedSize(linked.body), '256x192', 'through a symlink, p alone');
});

t.test('presigned V1 and V4 URLs carry x-oss-process among the signed parameters', async (t) => {
  const server = await withImage(t);
  const target = { method: 'GET', bucket: BUCKET, key: KEY, query: { 'x-oss-process': 'image/resize,w_200' }, headers: {} };
  const fetch = async (query: Record<string, string>): Promise<{ status: number; body: Buffer }> => {
    const response = await request(server.url + pathFor(BUCKET, KEY) + encodeQuery(query));
    return { status: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
  };
  const v1 = presignQueryV1(target, CREDS, Math.floor(Date.now() / 1000) + 300);
  const v4 = presignQueryV4(target, CREDS, new Date(), 300, { region: 'cn-hangzhou' });
  for (const [name, query] of [['V1', v1], ['V4', v4]] as const) {
    const got = await fetch(query);
    t.equal(got.status, 200, `${name} presigned`);
    t.equal(decodedSize(got.body), '200x150', `${name}: resized`);
    const tampered = await fetch({ ...query, 'x-oss-process': 'image/resize,w_100' });
    t.equal(tampered.status, 403, `${name}: changing x-oss-process breaks the signature`);
    t.equal(xmlField(tampered.body.toString(), 'Code'), 'SignatureDoesNotMatch');
  }
});

t.test('what the mock cannot process, and what OSS would refuse', async (t) => {
  const server = await withImage(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'text.txt', body: 'plain text, no image' });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'photo.jpg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]) });
  const damaged = Buffer.from(SOURCE_PNG);
  damaged[damaged.indexOf('IDAT', 0, 'latin1') + 100]! ^= 0xff;
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'damaged.png', body: damaged });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'interlaced.png', body: handPng({ width: 1, height: 1, colourType: 0, interlace: 1, rows: [[0, 9]] }) });
  const get = (key: string, process: string) => ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { 'x-oss-process': process } });

  const text = await get('text.txt', 'image/resize,w_200');
  t.equal(text.status, 400, 'an object that is no image');
  t.equal(xmlField(text.text, 'Code'), 'BadRequest');
  t.equal(xmlField(text.text, 'Message'), 'The image format is unsupported.');
  t.equal(xmlField(text.text, 'EC'), '0040-00000005');
  const jpeg = await get('photo.jpg', 'image/resize,w_200');
  t.equal(jpeg.status, 501, 'a JPEG: OSS reads it, the mock does not');
  t.match(xmlField(jpeg.text, 'Message'), /JPEG/);
  const corrupt = await get('damaged.png', 'image/resize,w_200');
  t.equal(corrupt.status, 400);
  t.match(xmlField(corrupt.text, 'Message'), /damaged.*CRC/);
  const interlaced = await get('interlaced.png', 'image/resize,w_200');
  t.equal(interlaced.status, 501);
  t.match(xmlField(interlaced.text, 'Message'), /interlacing/);

  const watermark = await get(KEY, 'image/resize,w_200/watermark,text_aGVsbG8');
  t.equal(watermark.status, 501, 'an action the mock lacks, even after resize');
  t.equal(xmlField(watermark.text, 'Code'), 'NotImplemented');
  t.match(xmlField(watermark.text, 'Message'), /image\/watermark action/);
  t.equal((await get(KEY, 'image/format,jpg')).status, 501, 'format conversion other than png');
  t.equal((await get(KEY, 'style/thumbnail')).status, 501, 'image styles');
  t.equal((await get(KEY, 'video/snapshot,t_1000')).status, 501, 'other processing families');
  const unknown = await get(KEY, 'image/sparkle,x_1');
  t.equal(unknown.status, 400, 'not an OSS action at all');
  t.equal(xmlField(unknown.text, 'Code'), 'InvalidArgument');
  const badMode = await get(KEY, 'image/resize,w_100,m_abc');
  t.equal(xmlField(badMode.text, 'EC'), '0040-00000311', "OSS's EC code for a bad m");
  const saveOnGet = await get(KEY, 'image/resize,w_100|sys/saveas,o_eA');
  t.equal(saveOnGet.status, 400, 'sys/saveas only with POST');
  const missing = await get('no-such.png', 'image/resize,w_100');
  t.equal(xmlField(missing.text, 'Code'), 'NoSuchKey');
  const unsigned = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: KEY, query: { 'x-oss-process': 'image/resize,w_100' }, sign: 'none' });
  t.equal(unsigned.status, 403, 'authentication still comes first');
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: KEY, query: { 'x-oss-process': 'image/resize,w_100' } });
  t.equal(head.status, 501, 'HEAD with x-oss-process is not implemented');
});

t.test('processObjectSave: POST ?x-oss-process with sys/saveas stores the resized PNG', async (t) => {
  const server = await withImage(t);
  await server.createBucket('other-bucket');
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  const body = `x-oss-process=${encodeURIComponent(`image/resize,w_100|sys/saveas,o_${b64('thumbs/small 小.png')},b_${b64('other-bucket')}`)}`;
  const saved = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: KEY, query: { 'x-oss-process': '' }, body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, sign: 'v4' });
  t.equal(saved.status, 200, saved.text);
  t.equal(saved.headers['content-type'], 'application/json');
  const result = JSON.parse(saved.text) as { bucket: string; object: string; fileSize: number; status: string };
  t.match(result, { bucket: 'other-bucket', object: 'thumbs/small 小.png', status: 'OK' });
  const stored = await ossRequest(server, { method: 'GET', bucket: 'other-bucket', key: 'thumbs/small 小.png' });
  t.equal(stored.status, 200);
  t.equal(stored.headers['content-type'], 'image/png');
  t.equal(stored.body.length, result.fileSize);
  t.equal(decodedSize(stored.body), '100x75');

  const form = (process: string): string => `x-oss-process=${encodeURIComponent(process)}`;
  const post = (process: string) => ossRequest(server, { method: 'POST', bucket: BUCKET, key: KEY, query: { 'x-oss-process': '' }, body: form(process) });
  t.equal((await post(`image/watermark,text_aGVsbG8|sys/saveas,o_${b64('w.png')}`)).status, 501, 'watermark needs font rendering: not implemented');
  t.equal((await post('image/resize,w_100')).status, 400, 'POST without sys/saveas');
  t.equal(xmlField((await post(`image/resize,w_100|sys/saveas,o_${b64('x.png')},b_${b64('no-such-bucket')}`)).text, 'Code'), 'NoSuchBucket');
});

// (ali-oss's signatureUrl refuses an IP endpoint; the presigned test above signs as it does.)
t.test('ali-oss: get and getStream with process, processObjectSave', async (t) => {
  const server = await withImage(t);
  for (const version of ['v1', 'v4'] as const) {
    const client = aliOssClient(server, version);
    const got = await client.get(KEY, { process: 'image/resize,w_200' });
    t.equal(decodedSize(Buffer.from(got.content)), '200x150', `${version} get with process`);
    const stream = await client.getStream(KEY, { process: 'image/resize,h_100' });
    const chunks: Buffer[] = [];
    for await (const piece of stream.stream) chunks.push(piece as Buffer);
    t.equal(decodedSize(Buffer.concat(chunks)), '133x100', `${version} getStream with process`);
    const saved = await client.processObjectSave(KEY, `saved-${version}.png`, 'image/resize,p_10');
    t.equal(saved.status, 200, `${version} processObjectSave`);
    t.equal(decodedSize(await server.readObject(BUCKET, `saved-${version}.png`)), '102x77');
  }
});
