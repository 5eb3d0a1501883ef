// Server-side encryption as a client sees it: x-oss-server-side-encryption (AES256, KMS or SM4),
// with KMS optionally x-oss-server-side-encryption-key-id and x-oss-server-side-data-encryption
// (SM4), given on PutObject, PostObject, AppendObject (creating), CopyObject and
// InitiateMultipartUpload; recorded with the object and echoed on every answer about it (GET,
// HEAD, UploadPart, CompleteMultipartUpload). Nothing is encrypted: the mock only keeps the promise.
import { invalidArgument, MockOssError } from '../mock-error.js';
import type { HeaderMap } from '../responses.js';
import type { ServerSideEncryption } from '../store.js';

const ALGORITHMS = ['AES256', 'KMS', 'SM4'] as const;
const SSE = 'x-oss-server-side-encryption';
const KEY_ID = 'x-oss-server-side-encryption-key-id';
const DATA_ENCRYPTION = 'x-oss-server-side-data-encryption';

const invalidAlgorithm = (value: string): MockOssError =>
  new MockOssError(400, 'InvalidEncryptionAlgorithmError', `The Encryption request you specified is not valid. Supported value: ${ALGORITHMS.join('/')}.`, {
    ArgumentName: SSE,
    ArgumentValue: value,
  });

/** Stands in for the KMS key OSS uses (and names in its answers) when a KMS request names none. */
export const DEFAULT_KMS_KEY_ID = '0a55e1d2-6f3b-4c8e-9d47-00c4ae3b0001';

/** The request's encryption headers, checked as OSS checks them; undefined when it asks for none. */
export function encryptionFrom(headers: Record<string, string>): ServerSideEncryption | undefined {
  const algorithm = headers[SSE];
  const keyId = headers[KEY_ID];
  const dataEncryption = headers[DATA_ENCRYPTION];
  if (algorithm === undefined) {
    if (keyId !== undefined) throw invalidArgument(KEY_ID, keyId, `${KEY_ID} is only valid together with ${SSE}: KMS.`);
    if (dataEncryption !== undefined) throw invalidArgument(DATA_ENCRYPTION, dataEncryption, `${DATA_ENCRYPTION} is only valid together with ${SSE}: KMS.`);
    return undefined;
  }
  const known = ALGORITHMS.find((name) => name === algorithm);
  if (!known) throw invalidAlgorithm(algorithm);
  if (known !== 'KMS') {
    if (keyId !== undefined) throw invalidArgument(KEY_ID, keyId, `${KEY_ID} is only valid with ${SSE}: KMS, not ${known}.`);
    if (dataEncryption !== undefined) throw invalidArgument(DATA_ENCRYPTION, dataEncryption, `${DATA_ENCRYPTION} is only valid with ${SSE}: KMS, not ${known}.`);
    return { algorithm: known };
  }
  if (dataEncryption !== undefined && dataEncryption !== 'SM4') throw invalidArgument(DATA_ENCRYPTION, dataEncryption, `${DATA_ENCRYPTION} must be SM4.`);
  if (keyId === '') throw invalidArgument(KEY_ID, keyId, `${KEY_ID} must name a KMS key.`);
  return { algorithm: known, keyId: keyId ?? DEFAULT_KMS_KEY_ID, dataEncryption };
}

/** For operations that take no encryption headers of their own (UploadPart, PutSymlink). */
export function refuseEncryptionHeaders(headers: Record<string, string>, operation: string): void {
  for (const name of [SSE, KEY_ID, DATA_ENCRYPTION]) {
    const value = headers[name];
    if (value !== undefined) throw invalidArgument(name, value, `${operation} does not take ${name}; encryption is set when the object is created.`);
  }
}

/** What every answer about an encrypted object or upload says about it. */
export function encryptionHeaders(sse: ServerSideEncryption | undefined): HeaderMap {
  if (!sse) return {};
  const headers: HeaderMap = { [SSE]: sse.algorithm };
  if (sse.keyId !== undefined) headers[KEY_ID] = sse.keyId;
  if (sse.dataEncryption !== undefined) headers[DATA_ENCRYPTION] = sse.dataEncryption;
  return headers;
}
