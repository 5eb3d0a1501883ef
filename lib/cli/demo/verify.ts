// End-to-end check that an uploaded object is the local file: download it through MD5 and
// CRC-64 as it streams (never whole in memory) and compare with the same digests of the file.
import type { OssClient } from '../../client.js';
import { createCrc64 } from '../../hash/crc64.js';
import { createMd5, md5OfFileRange } from '../../hash/md5.js';

export interface ObjectComparison {
  identical: boolean;
  local: { size: number; md5: string; crc64: string };
  remote: { size: number; md5: string; crc64: string; reportedCrc64: string | undefined };
}

export async function compareObjectWithFile(client: OssClient, bucket: string, key: string, file: string, size: number): Promise<ObjectComparison> {
  const local = await md5OfFileRange(file, 0, size, undefined, { crc64: true });
  const object = await client.getObject({ bucket, key });
  const md5 = await createMd5();
  const crc = await createCrc64();
  let remoteSize = 0;
  for await (const chunk of object.body as AsyncIterable<Buffer>) {
    md5.update(chunk);
    crc.update(chunk);
    remoteSize += chunk.length;
  }
  const remote = { size: remoteSize, md5: md5.digestHex(), crc64: crc.digestDecimal(), reportedCrc64: object.crc64 };
  const localDigests = { size, md5: local.hex, crc64: local.crc64! };
  const identical =
    remote.size === size && remote.md5 === local.hex && remote.crc64 === local.crc64 && (remote.reportedCrc64 === undefined || remote.reportedCrc64 === local.crc64);
  return { identical, local: localDigests, remote };
}
