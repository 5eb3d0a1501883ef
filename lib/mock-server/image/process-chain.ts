// The value of x-oss-process: `image/<action>,<param>_<value>,.../<action>,...`, and for the POST
// form `...|sys/saveas,o_<base64 key>[,b_<base64 bucket>]`. The mock runs resize (and format,png,
// which changes nothing on a PNG); every other OSS image action, image styles and the other
// processing families (video/, doc/, ...) are 501 NotImplemented, naming what is missing.
import { invalidArgument, MockOssError, notImplemented } from '../mock-error.js';
import { parseResizeParams, type ResizeSpec } from './resize-params.js';

export type ImageAction = { name: 'resize'; spec: ResizeSpec } | { name: 'format'; format: 'png' };

export interface SaveAs {
  key: string;
  /** Undefined: the source's bucket. */
  bucket: string | undefined;
}

export interface ProcessRequest {
  actions: ImageAction[];
  saveAs: SaveAs | undefined;
}

/** OSS's image actions (IMG overview) the mock lacks. */
const OTHER_IMAGE_ACTIONS = new Set([
  'watermark', 'crop', 'quality', 'info', 'auto-orient', 'circle', 'indexcrop', 'rounded-corners', 'blur',
  'rotate', 'interlace', 'average-hue', 'bright', 'sharpen', 'contrast',
]);
/** Formats OSS converts to; only png is the mock's. */
const OSS_FORMATS = new Set(['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif', 'tiff', 'heic', 'avif']);
const MOCK_SCOPE = 'of image processing it has only resize (and format,png) on PNG images';

function parseAction(text: string): ImageAction {
  const [name = '', ...params] = text.split(',');
  if (name === 'resize') return { name, spec: parseResizeParams(params) };
  if (name === 'format') {
    const format = (params[0] ?? '').toLowerCase();
    if (format === 'png' && params.length === 1) return { name, format };
    if (OSS_FORMATS.has(format)) throw notImplemented(`image/format,${format}; ${MOCK_SCOPE}`);
    throw invalidArgument('format', params.join(','), `The format action takes one of ${[...OSS_FORMATS].join(', ')}.`);
  }
  if (OTHER_IMAGE_ACTIONS.has(name)) throw notImplemented(`the image/${name} action; ${MOCK_SCOPE}`);
  throw invalidArgument('x-oss-process', text, `${JSON.stringify(name)} is not an OSS image processing action.`);
}

function decodeName(value: string | undefined, what: string): string {
  // URL-safe base64, as OSS documents; Node's decoder takes the standard alphabet too (ali-oss sends that).
  const decoded = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  if (!decoded) throw invalidArgument('sys/saveas', value ?? '', `sys/saveas needs the ${what} as ${what === 'object key' ? 'o_' : 'b_'}<URL-safe base64>.`);
  return decoded;
}

function parseSaveAs(text: string): SaveAs {
  const [, ...params] = text.split(',');
  const value = (prefix: string): string | undefined => params.find((p) => p.startsWith(prefix))?.slice(prefix.length);
  const bucket = value('b_');
  return { key: decodeName(value('o_'), 'object key'), bucket: bucket === undefined ? undefined : decodeName(bucket, 'bucket name') };
}

/** Parses x-oss-process; `post` allows the sys/saveas step (OSS refuses it on GET with 400). */
export function parseProcess(value: string, post: boolean): ProcessRequest {
  const [processing = '', ...steps] = value.split('|');
  const family = processing.split('/')[0]!;
  if (family === 'style') throw notImplemented(`image styles (x-oss-process=${processing}); ${MOCK_SCOPE}`);
  if (family !== 'image') {
    // Another processing family (video/snapshot, doc/..., ...): OSS has those, the mock does not.
    if (/^[a-z][a-z-]*$/.test(family) && processing.includes('/')) throw notImplemented(`x-oss-process=${family}/...; ${MOCK_SCOPE}`);
    throw invalidArgument('x-oss-process', value, 'x-oss-process must be image/<action>,<parameters>[/<action>,...].');
  }
  const actions = processing.split('/').slice(1).filter((text) => text !== '').map(parseAction);
  if (actions.length === 0) throw invalidArgument('x-oss-process', value, 'x-oss-process names no image action.');
  let saveAs: SaveAs | undefined;
  for (const step of steps) {
    if (!step.startsWith('sys/saveas,')) throw notImplemented(`the processing step ${JSON.stringify(step.split(',')[0])}; after | it has only sys/saveas`);
    if (!post) throw new MockOssError(400, 'InvalidArgument', 'sys/saveas is only allowed in POST ?x-oss-process (processObjectSave), not in GET.', { ArgumentName: 'x-oss-process', ArgumentValue: step });
    saveAs = parseSaveAs(step);
  }
  return { actions, saveAs };
}
