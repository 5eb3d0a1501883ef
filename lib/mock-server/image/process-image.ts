// Runs a parsed x-oss-process chain on an object's bytes and returns the PNG it makes, or the
// error OSS would answer: a source over OSS's limits is ImageTooLarge, bytes that are no image
// format OSS knows are BadRequest "The image format is unsupported", a damaged PNG is BadRequest;
// an image OSS could process but the mock cannot (JPEG, GIF, ..., a 16-bit or interlaced PNG) is
// 501 NotImplemented.
import { MockOssError, notImplemented } from '../mock-error.js';
import { isPng, PngError } from './png-chunks.js';
import { decodePng, readPngHeader } from './png-decode.js';
import { encodePng } from './png-encode.js';
import type { ImageAction } from './process-chain.js';
import type { Raster } from './raster.js';
import { resizeImage } from './resize.js';

/** OSS's limits on a source image (resize usage notes); the caller checks the size before reading it. */
export const MAX_SOURCE_BYTES = 20 * 1024 * 1024;
export const MAX_SOURCE_EDGE = 30_000;
export const MAX_SOURCE_PIXELS = 250_000_000;

/** Magic numbers of the other formats OSS image processing reads. */
const OTHER_FORMATS: Array<{ name: string; matches: (b: Buffer) => boolean }> = [
  { name: 'JPEG', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { name: 'GIF', matches: (b) => b.toString('latin1', 0, 4) === 'GIF8' },
  { name: 'BMP', matches: (b) => b.toString('latin1', 0, 2) === 'BM' },
  { name: 'WebP', matches: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
  { name: 'TIFF', matches: (b) => ['II*\0', 'MM\0*'].includes(b.toString('latin1', 0, 4)) },
  { name: 'HEIF/AVIF', matches: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
];

export const imageTooLarge = (detail: string): MockOssError =>
  new MockOssError(400, 'ImageTooLarge', `The source image is too large to process: ${detail}.`, {}, '0040-00000009');

const unsupportedFormat = (): MockOssError => new MockOssError(400, 'BadRequest', 'The image format is unsupported.', {}, '0040-00000005');

function fromPngError(error: unknown): unknown {
  if (!(error instanceof PngError)) return error;
  if (error.kind === 'unsupported') return notImplemented(`image processing of PNGs with ${error.message}`);
  return new MockOssError(400, 'BadRequest', `The image is damaged and cannot be decoded: ${error.message}.`);
}

function decodeSource(bytes: Buffer): Raster {
  if (!isPng(bytes)) {
    const other = OTHER_FORMATS.find((format) => format.matches(bytes));
    if (other) throw notImplemented(`image processing of ${other.name} images (it decodes PNG only)`);
    throw unsupportedFormat();
  }
  try {
    const { width, height } = readPngHeader(bytes);
    if (width > MAX_SOURCE_EDGE || height > MAX_SOURCE_EDGE || width * height > MAX_SOURCE_PIXELS) {
      throw imageTooLarge(`${width}x${height} pixels, over ${MAX_SOURCE_EDGE} a side or ${MAX_SOURCE_PIXELS} in all`);
    }
    return decodePng(bytes);
  } catch (error) {
    throw fromPngError(error);
  }
}

/** The PNG `actions` make of `source` (an object's whole data). */
export function processImage(source: Buffer, actions: readonly ImageAction[]): Buffer {
  let raster = decodeSource(source);
  for (const action of actions) {
    // format,png: the output is PNG whatever the chain; nothing to do.
    if (action.name === 'resize') raster = resizeImage(raster, action.spec);
  }
  return encodePng(raster);
}
