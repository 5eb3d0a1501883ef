// Reading a multipart/form-data body (RFC 7578) as PostObject needs it: the fields before the
// file in memory (bounded), then the file streamed without holding it whole. Fields after the
// file are not read (OSS ignores them too).
import { MockOssError } from './mock-error.js';

export interface FormPartHeader {
  /** The field name as sent. */
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

const malformedPost = (why: string): MockOssError => new MockOssError(400, 'MalformedPOSTRequest', `The body of your POST request is not well-formed multipart/form-data: ${why}.`);

/** The boundary of a multipart/form-data Content-Type; MalformedPOSTRequest without one. */
export function formBoundary(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary || boundary.length > 200) throw malformedPost('the Content-Type has no usable boundary');
  return boundary;
}

export class FormReader {
  readonly #source: AsyncIterator<Buffer>;
  readonly #delimiter: Buffer;
  // The body is read as if it began with CRLF, so the first boundary line looks like every other.
  #buffer: Buffer = Buffer.from('\r\n');
  #ended = false;

  constructor(chunks: AsyncIterable<Buffer>, boundary: string) {
    this.#source = chunks[Symbol.asyncIterator]();
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const next = await this.#source.next();
    if (next.done) {
      this.#ended = true;
      return false;
    }
    this.#buffer = this.#buffer.length === 0 ? next.value : Buffer.concat([this.#buffer, next.value]);
    return true;
  }

  /** The bytes before the next `marker` (consumed too); at most `limit` of them. */
  async #readUntil(marker: Buffer, limit: number, what: string): Promise<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.#buffer.indexOf(marker, from);
      if (at >= 0) {
        if (at > limit) break;
        const value = this.#buffer.subarray(0, at);
        this.#buffer = this.#buffer.subarray(at + marker.length);
        return value;
      }
      if (this.#buffer.length > limit + marker.length) break;
      from = Math.max(0, this.#buffer.length - marker.length + 1);
      if (!(await this.#fill())) throw malformedPost(`the body ends inside ${what}`);
    }
    throw new MockOssError(400, 'InvalidArgument', `The ${what} of the form is longer than ${limit} bytes.`);
  }

  /** Skips to the first boundary (MalformedPOSTRequest if there is none). */
  async start(): Promise<void> {
    await this.#readUntil(this.#delimiter, 64 * 1024, 'the preamble');
  }

  /** The next part's headers, or undefined after the closing boundary. Call after start() or a part's value. */
  async nextPart(): Promise<FormPartHeader | undefined> {
    while (this.#buffer.length < 2) if (!(await this.#fill())) throw malformedPost('the body ends after a boundary');
    if (this.#buffer.subarray(0, 2).toString('latin1') === '--') return undefined;
    const head = (await this.#readUntil(Buffer.from('\r\n\r\n'), 16 * 1024, 'a part header')).toString('utf8');
    const lines = head.split('\r\n').slice(1); // the rest of the boundary line (normally empty) comes first
    const header = (name: string): string | undefined => lines.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const disposition = header('content-disposition') ?? '';
    const param = (name: string): string | undefined => {
      const match = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(disposition) ?? new RegExp(`;\\s*${name}=([^;\\s]*)`, 'i').exec(disposition);
      return match?.[1];
    };
    const name = param('name');
    if (!/^form-data\s*(;|$)/i.test(disposition) || name === undefined) throw malformedPost('a part has no Content-Disposition: form-data; name="..."');
    return { name, filename: param('filename'), contentType: header('content-type') };
  }

  /** A field's value, whole (at most `limit` bytes). */
  async value(limit: number): Promise<Buffer> {
    return this.#readUntil(this.#delimiter, limit, 'a form field');
  }

  /** A part's content as a stream of chunks, up to the next boundary. */
  async *content(): AsyncGenerator<Buffer> {
    const keep = this.#delimiter.length - 1;
    for (;;) {
      const at = this.#buffer.indexOf(this.#delimiter);
      if (at >= 0) {
        if (at > 0) yield this.#buffer.subarray(0, at);
        this.#buffer = this.#buffer.subarray(at + this.#delimiter.length);
        return;
      }
      // Everything but a tail that may be the start of the delimiter is file content.
      if (this.#buffer.length > keep) {
        const ready = this.#buffer.subarray(0, this.#buffer.length - keep);
        this.#buffer = Buffer.from(this.#buffer.subarray(this.#buffer.length - keep));
        yield ready;
      }
      if (!(await this.#fill())) throw malformedPost('the body ends inside the file');
    }
  }
}
