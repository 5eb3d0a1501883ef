// Typed, strict access to the fields of a parsed OSS document. Every problem names the element path
// and the offending value, so a bad response can be diagnosed from the error message alone.
import { OssXmlError } from '../errors.js';
import type { XmlDocument, XmlElement, XmlValue } from './parser.js';

const MAX_CRC64 = (1n << 64n) - 1n;

function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
}

export class XmlFields {
  private constructor(
    private readonly element: XmlElement,
    /** Where this element is, e.g. "<ListPartsResult><Part>[2]", for messages. */
    readonly path: string,
  ) {}

  /** The root element, which must be named `expected`. */
  static root(document: XmlDocument, expected: string): XmlFields {
    if (document.rootName !== expected) {
      throw new OssXmlError(`Invalid XML: expected a <${expected}> document, got <${document.rootName}>`);
    }
    return XmlFields.of(document.root, `<${expected}>`);
  }

  private static of(value: XmlValue, path: string): XmlFields {
    if (typeof value === 'string') {
      if (value.trim() !== '') throw new OssXmlError(`Invalid XML: ${path} must contain elements, not text ${quote(value)}`);
      return new XmlFields({}, path);
    }
    return new XmlFields(value, path);
  }

  fail(reason: string): never {
    throw new OssXmlError(`Invalid XML: ${reason}`);
  }

  /** Names of the child elements, in first-appearance order. */
  childNames(): string[] {
    return Object.keys(this.element).filter((name) => name !== '#text');
  }

  /** Text of the single child `name`, or undefined when absent. */
  optionalText(name: string): string | undefined {
    if (!Object.hasOwn(this.element, name)) return undefined;
    const value = this.element[name];
    if (Array.isArray(value)) this.fail(`${this.path} has ${value.length} <${name}> elements, expected one`);
    if (typeof value !== 'string') this.fail(`${this.path}<${name}> must contain text, not elements`);
    return value;
  }

  text(name: string): string {
    const value = this.optionalText(name);
    if (value === undefined) this.fail(`${this.path} has no <${name}>`);
    return value;
  }

  /** Text that must not be empty (identifiers such as UploadId, Bucket, Key). */
  nonEmptyText(name: string): string {
    const value = this.text(name);
    if (value.trim() === '') this.fail(`${this.path}<${name}> is empty`);
    return value;
  }

  /** Every child `name` (zero, one or many), in document order. */
  children(name: string): XmlFields[] {
    if (!Object.hasOwn(this.element, name)) return [];
    const value = this.element[name];
    const list = Array.isArray(value) ? value : [value];
    return list.map((child, index) => XmlFields.of(child, `${this.path}<${name}>[${index + 1}]`));
  }

  /** An integer within [min, max], written in decimal digits only. */
  integer(name: string, min: number, max: number): number {
    return this.toInteger(name, this.text(name), min, max);
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const text = this.optionalText(name);
    return text === undefined || text.trim() === '' ? undefined : this.toInteger(name, text, min, max);
  }

  private toInteger(name: string, text: string, min: number, max: number): number {
    const trimmed = text.trim();
    const value = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(`${this.path}<${name}> is ${quote(text)}, expected an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** The literal `true` or `false`. */
  boolean(name: string): boolean {
    const text = this.text(name).trim();
    if (text !== 'true' && text !== 'false') this.fail(`${this.path}<${name}> is ${quote(text)}, expected true or false`);
    return text === 'true';
  }

  /** An unsigned 64-bit CRC as a canonical decimal string; never converted to Number. */
  optionalCrc64(name: string): string | undefined {
    const text = this.optionalText(name);
    if (text === undefined) return undefined;
    const trimmed = text.trim();
    if (!/^\d{1,20}$/.test(trimmed) || BigInt(trimmed) > MAX_CRC64) {
      this.fail(`${this.path}<${name}> is ${quote(text)}, expected an unsigned 64-bit decimal CRC`);
    }
    return BigInt(trimmed).toString();
  }
}

/** Reverses `encoding-type=url` (Go's url.QueryUnescape, as the OSS SDKs do: '+' is a space). */
export function urlDecodeField(value: string, path: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch (error) {
    throw new OssXmlError(`Invalid XML: ${path} is ${quote(value)}, which is not valid URL encoding`, { cause: error });
  }
}
