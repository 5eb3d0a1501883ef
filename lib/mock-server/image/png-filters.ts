// PNG's five row filters (spec §9): each byte is predicted from the byte `bpp` to its left (a),
// the one above (b) and the one above-left (c); the filtered row stores the difference mod 256.
// 0 None, 1 Sub (a), 2 Up (b), 3 Average (floor((a+b)/2)), 4 Paeth (the nearest of a, b, c to a+b-c).

export type FilterType = 0 | 1 | 2 | 3 | 4;
export const FILTER_TYPES: readonly FilterType[] = [0, 1, 2, 3, 4];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function predict(type: FilterType, row: Uint8Array, prior: Uint8Array | undefined, i: number, bpp: number): number {
  const a = i >= bpp ? row[i - bpp]! : 0;
  const b = prior ? prior[i]! : 0;
  switch (type) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4:
      return paeth(a, b, i >= bpp && prior ? prior[i - bpp]! : 0);
  }
}

/** Reverses `type` on `row` in place; `prior` is the previous row, already unfiltered (undefined for the first). */
export function unfilterRow(type: FilterType, row: Uint8Array, prior: Uint8Array | undefined, bpp: number): void {
  if (type === 0) return;
  for (let i = 0; i < row.length; i++) row[i] = (row[i]! + predict(type, row, prior, i, bpp)) & 0xff;
}

/** `row` filtered with `type` into `out` (same length); predictions use the raw bytes. */
export function filterRow(type: FilterType, row: Uint8Array, prior: Uint8Array | undefined, bpp: number, out: Uint8Array): void {
  for (let i = 0; i < row.length; i++) out[i] = (row[i]! - predict(type, row, prior, i, bpp)) & 0xff;
}
