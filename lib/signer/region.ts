// Region id for V4 from an OSS endpoint host: oss-cn-hangzhou.aliyuncs.com -> cn-hangzhou
// (also bucket.oss-cn-hangzhou.aliyuncs.com and the -internal variants). Undefined for
// local, custom and global (accelerate) endpoints.
const OSS_HOST = /(?:^|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/i;

/** 'oss-cn-hangzhou.aliyuncs.com' (with or without a bucket, -internal too) → 'cn-hangzhou'; else undefined. */
export function regionFromHost(host: string): string | undefined {
  const match = OSS_HOST.exec(host.replace(/:\d+$/, ''));
  const region = match?.[1]?.toLowerCase();
  if (!region || region === 'accelerate' || region === 'accelerate-overseas') return undefined;
  return region;
}
