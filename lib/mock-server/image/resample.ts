// Scales a region of a raster to a new size, one axis at a time: area averaging where an axis
// shrinks (each output pixel is the coverage-weighted mean of the source pixels under it) and
// bilinear interpolation where it grows. Colour is averaged premultiplied by alpha, so a
// transparent pixel's colour does not bleed into its neighbours.
import { blankRaster, hasAlpha, type Raster } from './raster.js';

/** A rectangle of the source in (fractional) pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** For each output index, the source indexes it reads and their weights (summing to 1). */
interface Taps {
  index: number[][];
  weight: number[][];
}

function axisTaps(sourceLength: number, start: number, length: number, outLength: number): Taps {
  const taps: Taps = { index: [], weight: [] };
  const step = length / outLength;
  const clamp = (i: number): number => Math.min(sourceLength - 1, Math.max(0, i));
  for (let o = 0; o < outLength; o++) {
    const index: number[] = [];
    const weight: number[] = [];
    if (step > 1) {
      const from = start + o * step;
      const to = from + step;
      for (let i = Math.floor(from); i < Math.ceil(to); i++) {
        const covered = Math.min(to, i + 1) - Math.max(from, i);
        if (covered > 0) {
          index.push(clamp(i));
          weight.push(covered / step);
        }
      }
    } else {
      // Pixel centres: output o sits at source coordinate start + (o + 0.5) * step - 0.5.
      const at = Math.min(sourceLength - 1, Math.max(0, start + (o + 0.5) * step - 0.5));
      const left = Math.floor(at);
      const fraction = at - left;
      index.push(left, clamp(left + 1));
      weight.push(1 - fraction, fraction);
    }
    taps.index.push(index);
    taps.weight.push(weight);
  }
  return taps;
}

export function resample(source: Raster, outWidth: number, outHeight: number, region: Region = { x: 0, y: 0, width: source.width, height: source.height }): Raster {
  const { width, channels, data } = source;
  const alpha = hasAlpha(channels);
  const colours = alpha ? channels - 1 : channels;
  const across = axisTaps(width, region.x, region.width, outWidth);
  const down = axisTaps(source.height, region.y, region.height, outHeight);
  const firstRow = Math.min(...down.index.map((rows) => rows[0]!));
  const lastRow = Math.max(...down.index.map((rows) => rows[rows.length - 1]!));

  // Horizontal pass over the rows the vertical pass reads, premultiplied, in floating point.
  const rows = lastRow - firstRow + 1;
  const wide = new Float32Array(rows * outWidth * channels);
  for (let r = 0; r < rows; r++) {
    const rowStart = (firstRow + r) * width * channels;
    for (let o = 0; o < outWidth; o++) {
      const index = across.index[o]!;
      const weight = across.weight[o]!;
      const target = (r * outWidth + o) * channels;
      for (let t = 0; t < index.length; t++) {
        const pixel = rowStart + index[t]! * channels;
        const w = weight[t]!;
        const a = alpha ? data[pixel + colours]! : 255;
        for (let c = 0; c < colours; c++) wide[target + c] += ((data[pixel + c]! * a) / 255) * w;
        if (alpha) wide[target + colours] += a * w;
      }
    }
  }

  // Vertical pass, then back to straight (not premultiplied) 8-bit samples.
  const out = blankRaster(outWidth, outHeight, channels);
  const sum = new Float64Array(channels);
  for (let y = 0; y < outHeight; y++) {
    const index = down.index[y]!;
    const weight = down.weight[y]!;
    for (let x = 0; x < outWidth; x++) {
      sum.fill(0);
      for (let t = 0; t < index.length; t++) {
        const from = ((index[t]! - firstRow) * outWidth + x) * channels;
        for (let c = 0; c < channels; c++) sum[c] += wide[from + c]! * weight[t]!;
      }
      const target = (y * outWidth + x) * channels;
      const a = alpha ? sum[colours]! : 255;
      for (let c = 0; c < colours; c++) out.data[target + c] = a > 0 ? Math.round(Math.min(255, (sum[c]! * 255) / a)) : 0;
      if (alpha) out.data[target + colours] = Math.round(Math.min(255, a));
    }
  }
  return out;
}
