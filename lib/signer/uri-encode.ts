// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex).
// encodeURIComponent leaves !'()* alone, so those are fixed up afterwards.
const EXTRA = /[!'()*]/g;

export function uriEncode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(EXTRA, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** The URL path of an object key: every segment encoded, `/` kept (as ali-oss sends it). */
export function encodeKeyPath(key: string): string {
  return uriEncode(key, true);
}
