// Public API of oss-resumable. The mock server is a separate entry: 'oss-resumable/mock-server'.
export { OssClient, type OssClientOptions } from './client.js';
export {
  OssError,
  OssServiceError,
  OssNetworkError,
  OssChecksumError,
  OssCancelledError,
  OssInvalidArgumentError,
  OssXmlError,
  isOssError,
  type OssServiceErrorInit,
  type OssErrorExtras,
} from './errors.js';
export type * from './api/types.js';
export type { Credentials, CredentialsProvider, CredentialsSource, SignatureVersion, SignableRequest, SignerConfig } from './signer/index.js';
export type { V4Options } from './signer/v4.js';
export type { RetryOptions } from './transport/retry.js';
export type { RequestObserver, RequestTiming } from './transport/observer.js';
export type { UploadRetryEvent } from './upload/retry-report.js';
export { signRequest, regionFromHost } from './signer/index.js';
export { presignQueryV1 } from './signer/v1.js';
export { presignQueryV4 } from './signer/v4.js';
export { validateBucketName, validateObjectKey } from './validate.js';
export {
  resumableUpload,
  resumableUploadFromSource,
  OssUploadLockedError,
  DEFAULT_PART_SIZE,
  MIN_PART_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_BUFFERED_PART_SIZE,
  DEFAULT_PARALLEL,
  DEFAULT_MAX_MEMORY,
  choosePartSize,
  planParts,
  checkpointPaths,
  type ResumableUploadHandle,
  type ResumableUploadOptions,
  type ResumableUploadResult,
  type SourceUploadOptions,
  type ByteSource,
  type ResumeCheck,
  type PartPlan,
  type PlannedPart,
  type CheckpointPaths,
  type CheckpointTarget,
} from './upload/index.js';
