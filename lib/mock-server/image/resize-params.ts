// The parameters of OSS's image/resize action (`resize,w_200,h_100,m_fill,...`), checked the way
// the OSS documentation gives them: m lfit|mfit|fill|pad|fixed (default lfit), w h l s in
// [1,16384], p in [1,1000], limit 0|1 (default 1), color RRGGBB for pad (default FFFFFF).
// Each bad value is an InvalidArgument with the EC code OSS documents for it.
import { MockOssError } from '../mock-error.js';

export type ResizeMode = 'lfit' | 'mfit' | 'fill' | 'pad' | 'fixed';
const MODES: readonly ResizeMode[] = ['lfit', 'mfit', 'fill', 'pad', 'fixed'];
export const MAX_RESIZE_EDGE = 16384;

export interface ResizeSpec {
  mode: ResizeMode;
  /** Target width / height in pixels. */
  w?: number | undefined;
  h?: number | undefined;
  /** Target length of the source's longer / shorter side (ignored when w or h is given). */
  l?: number | undefined;
  s?: number | undefined;
  /** Percentage: alone it scales the source; with w, h, l or s it scales them. */
  p?: number | undefined;
  /** true (limit_1): a target larger than the source leaves the size as it is. */
  limit: boolean;
  /** Pad colour, RGB. */
  color: [number, number, number];
}

/** EC codes from OSS's error-code pages (40-IMAGE); 0040-00000313 for h is inferred from its neighbours. */
const EC = { m: '0040-00000311', w: '0040-00000312', h: '0040-00000313', l: '0040-00000314', s: '0040-00000315', p: '0040-00000317', limit: '0040-00000319', empty: '0040-00000322' };

const badValue = (name: string, value: string, rule: string, ec?: string): MockOssError =>
  new MockOssError(400, 'InvalidArgument', `The resize parameter ${name} must be ${rule}; got ${JSON.stringify(value)}.`, { ArgumentName: `resize,${name}`, ArgumentValue: value }, ec);

function integerIn(name: 'w' | 'h' | 'l' | 's' | 'p', value: string, max: number): number {
  const number = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && number <= max)) throw badValue(name, value, `an integer from 1 to ${max}`, EC[name]);
  return number;
}

/** `params` are the action's comma-separated pieces after "resize", e.g. ["w_200", "m_fixed"]. */
export function parseResizeParams(params: string[]): ResizeSpec {
  const spec: ResizeSpec = { mode: 'lfit', limit: true, color: [255, 255, 255] };
  for (const param of params) {
    const underscore = param.indexOf('_');
    const name = underscore < 0 ? param : param.slice(0, underscore);
    const value = underscore < 0 ? '' : param.slice(underscore + 1);
    switch (name) {
      case 'w':
      case 'h':
      case 'l':
      case 's':
        spec[name] = integerIn(name, value, MAX_RESIZE_EDGE);
        break;
      case 'p':
        spec.p = integerIn('p', value, 1000);
        break;
      case 'm':
        if (!MODES.includes(value as ResizeMode)) throw badValue('m', value, MODES.join(', '), EC.m);
        spec.mode = value as ResizeMode;
        break;
      case 'limit':
        if (value !== '0' && value !== '1') throw badValue('limit', value, '0 or 1', EC.limit);
        spec.limit = value === '1';
        break;
      case 'color': {
        if (!/^[0-9A-Fa-f]{6}$/.test(value)) throw badValue('color', value, 'six hex digits RRGGBB');
        const rgb = Number.parseInt(value, 16);
        spec.color = [rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff];
        break;
      }
      default:
        throw new MockOssError(400, 'InvalidArgument', `The resize action has no parameter ${JSON.stringify(name)} (it takes m, w, h, l, s, p, limit and color).`, { ArgumentName: 'resize', ArgumentValue: param });
    }
  }
  if ([spec.w, spec.h, spec.l, spec.s, spec.p].every((v) => v === undefined)) {
    throw new MockOssError(400, 'MissingArgument', 'The resize action needs at least one of w, h, l, s or p.', { ArgumentName: 'resize' }, EC.empty);
  }
  return spec;
}
