// The official SDK (ali-oss) pointed at a mock server, signing V1 or V4.
import OSS from 'ali-oss';
import type { MockServer } from '../../lib/mock-server/index.js';
import { BUCKET, CREDS } from '../mock-server-helpers.js';

/** Untyped: ali-oss ships no declarations (test/types gives it a loose shape). */
export function aliOssClient(server: MockServer, version: 'v1' | 'v4'): any {
  return new OSS({
    endpoint: server.url,
    bucket: BUCKET,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    secure: false,
    ...(version === 'v4' ? { authorizationV4: true, region: 'oss-cn-hangzhou' } : {}),
  });
}
