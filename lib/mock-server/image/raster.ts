// A decoded image: 8-bit samples, row by row, interleaved channels. The channel count says the
// colour model: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (a PNG palette is expanded to RGB(A)).

export type Channels = 1 | 2 | 3 | 4;

export interface Raster {
  width: number;
  height: number;
  channels: Channels;
  /** width × height × channels bytes. */
  data: Uint8Array;
}

export function hasAlpha(channels: Channels): boolean {
  return channels === 2 || channels === 4;
}

export function blankRaster(width: number, height: number, channels: Channels): Raster {
  return { width, height, channels, data: new Uint8Array(width * height * channels) };
}

/** The same pixels in RGB(A), for drawing a colour onto a grey image. */
export function toColour(raster: Raster): Raster {
  if (raster.channels >= 3) return raster;
  const channels: Channels = raster.channels === 2 ? 4 : 3;
  const out = blankRaster(raster.width, raster.height, channels);
  const pixels = raster.width * raster.height;
  for (let i = 0; i < pixels; i++) {
    const grey = raster.data[i * raster.channels]!;
    out.data.fill(grey, i * channels, i * channels + 3);
    if (channels === 4) out.data[i * 4 + 3] = raster.data[i * 2 + 1]!;
  }
  return out;
}
