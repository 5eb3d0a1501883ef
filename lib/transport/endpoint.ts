// Where a request goes: the endpoint's origin, and whether the bucket rides in the host
// (virtual-hosted, real OSS domains) or in the path (IPs, localhost, custom endpoints).
import { isIP } from 'node:net';
import { OssInvalidArgumentError } from '../errors.js';
import { encodeKeyPath } from '../signer/uri-encode.js';

export interface Endpoint {
  protocol: 'http:' | 'https:';
  /** host[:port] of the endpoint itself, without a bucket. */
  host: string;
  hostname: string;
  pathStyle: boolean;
}

export interface RequestTarget {
  /** scheme://host[:port] that the connection pool is keyed on. */
  origin: string;
  /** Percent-encoded path without the query. */
  path: string;
}

export function parseEndpoint(endpoint: string, pathStyle?: boolean): Endpoint {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OssInvalidArgumentError('endpoint', bucketOnIpHint(withScheme) ?? `${JSON.stringify(endpoint)} is not a URL; use e.g. https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OssInvalidArgumentError('endpoint', `${url.protocol} is not supported; use http:// or https://`);
  }
  if (url.pathname !== '/' || url.search || url.username || url.password) {
    throw new OssInvalidArgumentError('endpoint', 'give only scheme, host and port (no path, query or user info)');
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  return {
    protocol: url.protocol,
    host: url.host,
    hostname,
    pathStyle: pathStyle ?? !isVirtualHostCapable(hostname),
  };
}

/**
 * `http://bkt.127.0.0.1:9000`: a bucket in front of an IP address is no host name at all (URL
 * parsers read a name ending in a number as an IPv4 address), so say what to write instead.
 */
function bucketOnIpHint(url: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/:]+)\.(\d{1,3}(?:\.\d{1,3}){3})(:\d+)?\/?$/i.exec(url);
  if (!match) return undefined;
  const [, scheme, bucket, ip, port = ''] = match;
  return `${JSON.stringify(url)} puts the bucket "${bucket}" in front of the IP address ${ip}, which is not a valid host name; an IP endpoint takes the bucket in the path: use the endpoint ${scheme}${ip}${port} (the bucket goes in oss://${bucket}/… or the \`bucket\` option)`;
}

/** Real OSS domains take the bucket as a sub-domain; IPs, localhost and custom hosts get path-style. */
function isVirtualHostCapable(hostname: string): boolean {
  return isIP(hostname) === 0 && /\.aliyuncs\.com$/i.test(hostname);
}

export function requestTarget(endpoint: Endpoint, bucket: string | undefined, key: string | undefined): RequestTarget {
  const keyPath = key ? encodeKeyPath(key) : '';
  if (!bucket) return { origin: `${endpoint.protocol}//${endpoint.host}`, path: '/' };
  if (endpoint.pathStyle) return { origin: `${endpoint.protocol}//${endpoint.host}`, path: `/${bucket}/${keyPath}` };
  return { origin: `${endpoint.protocol}//${bucket}.${endpoint.host}`, path: `/${keyPath}` };
}

/** Query string with every name and value percent-encoded; a bare flag renders as just its name. */
export function encodeQuery(query: Record<string, string>): string {
  const parts = Object.entries(query).map(([name, value]) =>
    value === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
