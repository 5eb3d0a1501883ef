// DeleteMultipleObjects: POST /?delete with a <Delete> document of up to 1000 <Object><Key>s
// (more, or a body over 2 MB, is MalformedXML). Content-MD5 is required and checked. Every key is
// deleted whether or not it existed and reported in <Deleted>, in request order — except in quiet
// mode (<Quiet>true</Quiet>), which reports only failures: with none, the answer has no body.
// encoding-type=url encodes the reported keys; the request's keys are plain (XML-escaped) text,
// and may hold the control characters OSS keys allow.
import type { RequestContext } from '../context.js';
import { checkObjectKey } from '../keys.js';
import { malformedXml, MockOssError } from '../mock-error.js';
import { el, maybeUrlEncode, send, sendXml, xmlDocument } from '../responses.js';
import { parseRequestXml, readSmallBody } from './request-xml.js';

export const MAX_DELETE_KEYS = 1000;
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

interface DeleteRequest {
  quiet: boolean;
  keys: string[];
}

function parseDeleteRequest(xml: string): DeleteRequest {
  const request = parseRequestXml(
    xml,
    'Delete',
    (root) => {
      const quiet = root.optionalText('Quiet')?.trim().toLowerCase();
      if (quiet !== undefined && quiet !== 'true' && quiet !== 'false') root.fail(`<Quiet> must be true or false, not ${JSON.stringify(quiet)}`);
      const keys = root.children('Object').map((object) => {
        const versionId = object.optionalText('VersionId');
        // "null" names the one version an unversioned object has; the mock keeps no others.
        if (versionId !== undefined && versionId !== 'null') {
          throw new MockOssError(501, 'NotImplemented', 'The mock OSS server does not implement versioning (VersionId in DeleteMultipleObjects).');
        }
        return object.optionalText('Key');
      });
      return { quiet: quiet === 'true', keys };
    },
    { maxBytes: MAX_DELETE_BODY_BYTES, allowControlCharacters: true },
  );
  if (request.keys.length === 0) throw new MockOssError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: <Delete> has no <Object>.', {}, '0016-00000615');
  if (request.keys.length > MAX_DELETE_KEYS) throw malformedXml(`<Delete> names ${request.keys.length} objects; at most ${MAX_DELETE_KEYS} can be deleted at once`);
  const keys = request.keys.map((key) => {
    if (key === undefined || key === '') throw new MockOssError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: an <Object> has no <Key>.', {}, '0016-00000613');
    checkObjectKey(key);
    return key;
  });
  return { quiet: request.quiet, keys };
}

export async function deleteMultipleObjects(ctx: RequestContext): Promise<void> {
  const { store } = ctx.server;
  const bucket = ctx.bucket!;
  if (ctx.headers['content-md5'] === undefined) {
    throw new MockOssError(400, 'MissingArgument', 'Missing Some Required Arguments: DeleteMultipleObjects needs the Content-MD5 header.', { ArgumentName: 'Content-MD5', ArgumentValue: '' }, '0016-00000606');
  }
  const xml = await readSmallBody(ctx, MAX_DELETE_BODY_BYTES);
  if (xml === undefined) throw new MockOssError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: the body is empty.', {}, '0016-00000615');
  const { quiet, keys } = parseDeleteRequest(xml);
  for (const key of keys) await store.withObjectLock(bucket, key, () => store.deleteObject(bucket, key));

  if (quiet) {
    await send(ctx, 200, {});
    return;
  }
  const children = keys.map((key) => `<Deleted>${el('Key', maybeUrlEncode(ctx, key))}</Deleted>`);
  if (ctx.query['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('DeleteResult', children));
}
