// The incumbent: the official ali-oss 6 SDK's multipartUpload, with its defaults (1 MiB × 5)
// or with --part-size/--parallel. Against an IP endpoint ali-oss sends Host <bucket>.<region host>,
// which the bench's mock server accepts through its virtual-host suffix (see mock-server-process.mjs).
import OSS from 'ali-oss';
import { contenderArgs, measure, runContender } from './common.mjs';

const ALI_OSS_REGION = 'oss-cn-hangzhou';

runContender(async () => {
  const args = await contenderArgs();
  const client = new OSS({
    endpoint: args.endpoint,
    region: ALI_OSS_REGION,
    bucket: args.bucket,
    accessKeyId: args.credentials.accessKeyId,
    accessKeySecret: args.credentials.accessKeySecret,
    secure: false,
    timeout: 600_000,
  });
  const options = {};
  if (args.partSize) options.partSize = args.partSize;
  if (args.parallel) options.parallel = args.parallel;
  await measure(args.size, () => client.multipartUpload(args.key, args.file, options));
});
