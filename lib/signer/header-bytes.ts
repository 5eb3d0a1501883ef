// Header values travel as bytes. undici sends a header string one byte per character (latin1)
// and refuses characters above U+00FF; node's HTTP server hands values over the same way. So a
// header value is held as a "wire string" (one character per byte), and text such as Chinese
// metadata becomes its UTF-8 bytes in that form, as ali-oss does with `headerEncoding: 'latin1'`.
// Signatures are computed over exactly these bytes (see v1.ts, v4.ts).

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const BEYOND_BYTE = /[^\x00-\xff]/;

/** Text → its UTF-8 bytes as a wire string ('阿' → 'é\x98¿'); ASCII comes back unchanged. */
export function wireString(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** A wire string read back as text when its bytes are valid UTF-8; other bytes are left as they are. */
export function textFromWire(wire: string): string {
  if (!NON_ASCII.test(wire) || BEYOND_BYTE.test(wire)) return wire;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(wire, 'latin1'));
  } catch {
    return wire;
  }
}

/** The bytes of a wire string, for hashing; a character above U+00FF means it was never converted. */
export function wireBytes(wire: string): Buffer {
  if (BEYOND_BYTE.test(wire)) throw new TypeError('internal: a string to sign holds text that was not converted to bytes (wireString)');
  return Buffer.from(wire, 'latin1');
}
