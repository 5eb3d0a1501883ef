// From the raw request line to (bucket, key, query) and the OSS operation (§8.2):
// path-style `/<bucket>/<key>` on IPs and plain hosts; virtual-hosted (`/<key>`) when the
// Host is `<bucket>.<virtualHostSuffix>` or a real OSS name `<bucket>.oss-<region>.aliyuncs.com`.
//
// The path is split and percent-decoded by hand: WHATWG URL parsing would resolve `..` and
// `%2e%2e` segments before we could refuse them, and URLSearchParams turns `+` into a space
// where OSS keeps it a plus.
import { routeBucketOperation, routeServiceOperation } from './bucket-routing.js';
import { routeFeature } from './feature-routing.js';
import { MockOssError } from './mock-error.js';
import type { OperationName } from './types.js';

export interface RequestTarget {
  bucket: string | undefined;
  key: string | undefined;
  query: Record<string, string>;
  /** The raw path, without the query string (for logs). */
  rawPath: string;
  virtualHosted: boolean;
}

const invalidUri = (): MockOssError => new MockOssError(400, 'InvalidURI', "Couldn't parse the specified URI.");

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidUri();
  }
}

/** Decoded query; a bare flag (`?uploads`) has the value ''. The first of repeated names wins. */
export function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const piece of raw.split('&')) {
    if (!piece) continue;
    const eq = piece.indexOf('=');
    const name = decode(eq < 0 ? piece : piece.slice(0, eq));
    if (!(name in query)) query[name] = eq < 0 ? '' : decode(piece.slice(eq + 1));
  }
  return query;
}

/** Host header without the port; lower-case. */
export function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  return (bracketed ? bracketed[1]! : host.replace(/:\d+$/, '')).toLowerCase();
}

/** Real OSS host names: ali-oss sends `Host: <bucket>.oss-<region>.aliyuncs.com` even to an IP endpoint. */
const REAL_OSS_HOST = /^(.+)\.oss-[a-z0-9-]+\.aliyuncs\.com$/;

/** The bucket named by a virtual-hosted Host header, if it is one. */
function virtualHostBucket(hostname: string, virtualHostSuffix: string | undefined): string | undefined {
  const suffix = virtualHostSuffix?.toLowerCase();
  if (suffix && hostname.endsWith(`.${suffix}`)) return hostname.slice(0, -(suffix.length + 1));
  return REAL_OSS_HOST.exec(hostname)?.[1];
}

export function parseTarget(rawUrl: string, host: string, virtualHostSuffix: string | undefined): RequestTarget {
  // Absolute-form request targets (from proxies) carry the origin; drop it.
  const url = /^https?:\/\//i.test(rawUrl) ? rawUrl.replace(/^https?:\/\/[^/?]*/i, '') || '/' : rawUrl;
  if (!url.startsWith('/')) throw invalidUri();
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
  const path = decode(rawPath).slice(1);

  const bucketInHost = virtualHostBucket(hostnameOf(host), virtualHostSuffix);
  if (bucketInHost !== undefined) return { bucket: bucketInHost, key: path || undefined, query, rawPath, virtualHosted: true };
  if (!path) return { bucket: undefined, key: undefined, query, rawPath, virtualHosted: false };
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: path, key: undefined, query, rawPath, virtualHosted: false };
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) || undefined, query, rawPath, virtualHosted: false };
}

/** Sub-resources of features the mock does not have; answering them as a plain GET/PUT would mislead. */
const UNSUPPORTED_SUB_RESOURCES = [
  'acl', 'tagging', 'append', 'symlink', 'restore', 'objectMeta', 'cors', 'lifecycle', 'logging', 'website',
  'referer', 'location', 'bucketInfo', 'stat', 'versioning', 'versions', 'versionId', 'delete', 'comp', 'x-oss-process',
  'encryption', 'policy', 'worm', 'inventory', 'replication', 'qos', 'select', 'list-type', 'cname', 'requestPayment',
];

const notImplemented = (what: string): MockOssError =>
  new MockOssError(501, 'NotImplemented', `The mock OSS server does not implement ${what}.`);

export function routeOperation(method: string, bucket: string | undefined, key: string | undefined, query: Record<string, string>, headers: Record<string, string>): OperationName {
  if (!['GET', 'HEAD', 'PUT', 'POST', 'DELETE'].includes(method)) {
    throw new MockOssError(405, 'MethodNotAllowed', `The specified method ${method} is not allowed against this resource.`, { Method: method, ResourceType: key ? 'Object' : 'Bucket' });
  }
  if (!bucket) {
    const service = routeServiceOperation(method, query);
    if (service) return service;
    throw notImplemented(`${method} on the service endpoint with this query (only GET / is ListBuckets)`);
  }
  const feature = (key === undefined ? routeBucketOperation(method, query) : undefined) ?? routeFeature(method, key, query, headers);
  if (feature) return feature;
  const unsupported = UNSUPPORTED_SUB_RESOURCES.find((name) => name in query);
  if (unsupported) throw notImplemented(`the ?${unsupported} sub-resource`);
  const has = (name: string): boolean => name in query;

  if (key === undefined) {
    if (method === 'GET' && has('uploads')) return 'ListMultipartUploads';
    if (method === 'PUT') return 'PutBucket';
    if (method === 'GET') return 'ListObjects';
    throw notImplemented(`${method} on a bucket`);
  }
  if (has('uploads')) {
    if (method === 'POST') return 'InitiateMultipartUpload';
    throw notImplemented(`${method} ?uploads on an object`);
  }
  if (has('uploadId') || has('partNumber')) {
    switch (method) {
      case 'PUT':
        return 'UploadPart';
      case 'GET':
        return 'ListParts';
      case 'POST':
        return 'CompleteMultipartUpload';
      case 'DELETE':
        return 'AbortMultipartUpload';
      default:
        throw notImplemented(`${method} with uploadId`);
    }
  }
  switch (method) {
    case 'PUT':
      return 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      throw notImplemented(`${method} on an object without a known sub-resource`);
  }
}
