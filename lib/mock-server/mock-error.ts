// An OSS error the mock answers with: HTTP status, Code, Message and the code-specific
// extra elements of the <Error> body (§5.2 of the protocol reference).

export class MockOssError extends Error {
  override name = 'MockOssError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra <Error> children in order, e.g. {UploadId: '...'}. */
    readonly extras: Record<string, string> = {},
    readonly ec?: string,
    /** Extra response headers, e.g. Content-Range on 416. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const invalidArgument = (name: string, value: string, message: string): MockOssError =>
  new MockOssError(400, 'InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });

export const accessDenied = (message: string): MockOssError => new MockOssError(403, 'AccessDenied', message);

export const noSuchBucket = (bucket: string): MockOssError =>
  new MockOssError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: bucket }, '0015-00000101');

export const noSuchKey = (key: string): MockOssError =>
  new MockOssError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, '0026-00000001');

export const noSuchUpload = (uploadId: string): MockOssError =>
  new MockOssError(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
    '0042-00000002',
  );

export const malformedXml = (detail: string): MockOssError =>
  new MockOssError(400, 'MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: ${detail}`);

export const invalidDigest = (provided: string): MockOssError =>
  new MockOssError(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.', { 'Content-MD5': provided }, '0002-00000003');

export const missingContentLength = (): MockOssError =>
  new MockOssError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');

export const entityTooLarge = (size: number, max: number): MockOssError =>
  new MockOssError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', {
    ProposedSize: String(size),
    MaxSizeAllowed: String(max),
  });

export const fileAlreadyExists = (): MockOssError =>
  new MockOssError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.', {}, '0026-00000011');

/** 501 for what real OSS has and the mock lacks; `what` names it. */
export const notImplemented = (what: string): MockOssError =>
  new MockOssError(501, 'NotImplemented', `The mock OSS server does not implement ${what}.`);

export const requestTimeout = (): MockOssError =>
  new MockOssError(400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.');
