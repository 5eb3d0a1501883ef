// The Content-MD5 request header: a base64 MD5 (16 bytes), checked against the body received.
import { invalidDigest } from '../mock-error.js';

/** The header's MD5 as upper-case hex, undefined when absent; InvalidDigest when it is not a base64 MD5. */
export function expectedMd5Hex(headers: Record<string, string>): string | undefined {
  const value = headers['content-md5'];
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]{22}==$/.test(value.trim())) throw invalidDigest(value);
  return Buffer.from(value.trim(), 'base64').toString('hex').toUpperCase();
}

export function checkMd5(headers: Record<string, string>, expectedHex: string | undefined, actualHex: string): void {
  if (expectedHex !== undefined && expectedHex !== actualHex) throw invalidDigest(headers['content-md5'] ?? '');
}
