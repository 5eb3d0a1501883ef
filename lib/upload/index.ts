// The resumable upload engine's public surface.
export { resumableUpload, resumableUploadFromSource } from './resumable-upload.js';
export type { ResumableUploadHandle } from './handle.js';
export type { ResumableUploadOptions, ResumableUploadResult, ResumeCheck, SourceUploadOptions } from './types.js';
export type { ByteSource } from '../hash/read-range.js';
export { OssUploadLockedError } from './lock.js';
export { DEFAULT_PART_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, choosePartSize, planParts, type PartPlan, type PlannedPart } from './plan.js';
export { DEFAULT_MAX_MEMORY, DEFAULT_PARALLEL } from './validate.js';
export { MAX_BUFFERED_PART_SIZE } from './part-buffers.js';
export { checkpointPaths, type CheckpointPaths, type CheckpointTarget } from './checkpoint-name.js';
