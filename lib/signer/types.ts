/** What a signer needs to know about a request. Transport-independent so the mock server can reuse it to verify. */
export interface SignableRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Undefined for service-level requests. */
  bucket?: string | undefined;
  /** Object key, raw (not percent-encoded). */
  key?: string | undefined;
  /** Decoded query parameters; a bare flag such as `uploads` has the value ''. */
  query: Record<string, string>;
  /**
   * Header names in lower case, values exactly as sent: one character per byte, as undici sends
   * a header string (text such as Chinese metadata as its UTF-8 bytes; see `wireString`). The
   * signature covers those bytes. The signer adds its own (x-oss-date, authorization, ...).
   */
  headers: Record<string, string>;
}

/** An AccessKey pair, with a security token when temporary (STS). */
export interface Credentials {
  /** AccessKey ID (sent with every request). */
  accessKeyId: string;
  /** AccessKey secret (used to sign; never sent, logged or written to a checkpoint). */
  accessKeySecret: string;
  /** STS token; sent as x-oss-security-token. */
  securityToken?: string | undefined;
  /** When temporary credentials stop working; the cache refreshes shortly before. */
  expiration?: Date | undefined;
}

/** 'v1': HMAC-SHA1 (OSS Signature V1); 'v4': OSS4-HMAC-SHA256 (needs a region). */
export type SignatureVersion = 'v1' | 'v4';
