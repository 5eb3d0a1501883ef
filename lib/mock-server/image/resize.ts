// OSS's image/resize, given its parameters: where the output's size comes from (planResize) and
// the pixels (resizeImage). Per the OSS documentation:
// - l and s name the source's longer and shorter side; they count only when neither w nor h is given.
// - p alone scales both sides by p%; with w, h, l or s it scales those targets instead.
// - lfit: the largest proportional image inside w×h; mfit: the smallest one covering it; with one
//   of w, h given, both are that side's proportional scaling. Fractional sides are rounded.
// - fill: mfit, then the centre w×h of it; pad: lfit, centred on a w×h canvas of `color`;
//   fixed: exactly w×h. With only w or h, each is lfit (the missing side follows the ratio).
// - limit_1 (the default): a target larger than the source leaves the size as it is (the image
//   is still re-encoded). A percentage alone always scales, up too, as the docs describe it.
// The output may be at most 16384 pixels a side and 4096×4096 pixels in all.
import { MockOssError } from '../mock-error.js';
import { blankRaster, toColour, type Raster } from './raster.js';
import { resample, type Region } from './resample.js';
import { MAX_RESIZE_EDGE, type ResizeSpec } from './resize-params.js';

export const MAX_RESIZE_PIXELS = 4096 * 4096;

export interface ResizePlan {
  /** The output's size. */
  width: number;
  height: number;
  /** The part of the source that is scaled. */
  region: Region;
  /** The size it is scaled to, and where that lands on the output (pad leaves a border). */
  scaledWidth: number;
  scaledHeight: number;
  offsetX: number;
  offsetY: number;
}

const side = (value: number): number => Math.max(1, Math.round(value));

function unchanged(width: number, height: number): ResizePlan {
  return { width, height, region: { x: 0, y: 0, width, height }, scaledWidth: width, scaledHeight: height, offsetX: 0, offsetY: 0 };
}

function scaledWhole(sourceWidth: number, sourceHeight: number, width: number, height: number): ResizePlan {
  return { ...unchanged(width, height), region: { x: 0, y: 0, width: sourceWidth, height: sourceHeight } };
}

/** The targets w and h after l, s and p are resolved; undefined sides follow the ratio. */
function targets(sourceWidth: number, sourceHeight: number, spec: ResizeSpec): { w: number | undefined; h: number | undefined } {
  let { w, h } = spec;
  if (w === undefined && h === undefined) {
    const landscape = sourceWidth >= sourceHeight;
    w = landscape ? spec.l : spec.s;
    h = landscape ? spec.s : spec.l;
  }
  const factor = (spec.p ?? 100) / 100;
  return { w: w === undefined ? undefined : side(w * factor), h: h === undefined ? undefined : side(h * factor) };
}

function checkOutput(plan: ResizePlan): ResizePlan {
  if (plan.width > MAX_RESIZE_EDGE || plan.height > MAX_RESIZE_EDGE || plan.width * plan.height > MAX_RESIZE_PIXELS) {
    throw new MockOssError(
      400,
      'InvalidArgument',
      `The resized image would be ${plan.width}x${plan.height} pixels; OSS resizes to at most ${MAX_RESIZE_EDGE} pixels a side and ${MAX_RESIZE_PIXELS} pixels in all.`,
      { ArgumentName: 'resize', ArgumentValue: `${plan.width}x${plan.height}` },
      '0040-00000007',
    );
  }
  return plan;
}

export function planResize(sourceWidth: number, sourceHeight: number, spec: ResizeSpec): ResizePlan {
  const { w, h } = targets(sourceWidth, sourceHeight, spec);
  if (w === undefined && h === undefined) {
    // A percentage alone.
    return checkOutput(scaledWhole(sourceWidth, sourceHeight, side((sourceWidth * spec.p!) / 100), side((sourceHeight * spec.p!) / 100)));
  }
  if (w === undefined || h === undefined) {
    // One side given: every mode scales proportionally to it.
    const scale = w !== undefined ? w / sourceWidth : h! / sourceHeight;
    if (spec.limit && scale > 1) return unchanged(sourceWidth, sourceHeight);
    return checkOutput(scaledWhole(sourceWidth, sourceHeight, w ?? side(sourceWidth * scale), h ?? side(sourceHeight * scale)));
  }
  if (spec.mode === 'fixed') {
    if (spec.limit && (w > sourceWidth || h > sourceHeight)) return unchanged(sourceWidth, sourceHeight);
    return checkOutput(scaledWhole(sourceWidth, sourceHeight, w, h));
  }
  const byWidth = w / sourceWidth;
  const byHeight = h / sourceHeight;
  const scale = spec.mode === 'mfit' || spec.mode === 'fill' ? Math.max(byWidth, byHeight) : Math.min(byWidth, byHeight);
  if (spec.limit && scale > 1) return unchanged(sourceWidth, sourceHeight);
  // The side that set the scale keeps its exact target; the other is rounded.
  const scaledWidth = scale === byWidth ? w : side(sourceWidth * scale);
  const scaledHeight = scale === byHeight ? h : side(sourceHeight * scale);
  switch (spec.mode) {
    case 'fill': {
      // The centre w×h of the scaled image, taken straight from the source so nothing larger is built.
      const region = { x: (sourceWidth - w / scale) / 2, y: (sourceHeight - h / scale) / 2, width: w / scale, height: h / scale };
      return checkOutput({ width: w, height: h, region, scaledWidth: w, scaledHeight: h, offsetX: 0, offsetY: 0 });
    }
    case 'pad':
      return checkOutput({
        width: w,
        height: h,
        region: { x: 0, y: 0, width: sourceWidth, height: sourceHeight },
        scaledWidth,
        scaledHeight,
        offsetX: Math.floor((w - scaledWidth) / 2),
        offsetY: Math.floor((h - scaledHeight) / 2),
      });
    default:
      return checkOutput(scaledWhole(sourceWidth, sourceHeight, scaledWidth, scaledHeight));
  }
}

function padCanvas(scaled: Raster, plan: ResizePlan, color: [number, number, number]): Raster {
  const grey = color[0] === color[1] && color[1] === color[2];
  const image = grey ? scaled : toColour(scaled);
  const { channels } = image;
  const canvas = blankRaster(plan.width, plan.height, channels);
  // The colour, opaque, in the image's channels (grey ones take the grey level).
  const fill = (channels >= 3 ? [...color, 255] : [color[0], 255]).slice(0, channels);
  for (let i = 0; i < plan.width * plan.height; i++) canvas.data.set(fill, i * channels);
  const rowBytes = image.width * channels;
  for (let y = 0; y < image.height; y++) {
    canvas.data.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((plan.offsetY + y) * plan.width + plan.offsetX) * channels);
  }
  return canvas;
}

export function resizeImage(source: Raster, spec: ResizeSpec): Raster {
  const plan = planResize(source.width, source.height, spec);
  const { region } = plan;
  const whole = region.x === 0 && region.y === 0 && region.width === source.width && region.height === source.height;
  const scaled = whole && plan.scaledWidth === source.width && plan.scaledHeight === source.height ? source : resample(source, plan.scaledWidth, plan.scaledHeight, region);
  return plan.scaledWidth === plan.width && plan.scaledHeight === plan.height ? scaled : padCanvas(scaled, plan, spec.color);
}
