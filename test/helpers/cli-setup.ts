// What every CLI test file starts with: a mock server in this process with one bucket and one
// credential, a temp dir (the child's HOME), an OssClient for checking results, and the
// environment that points the child at the server. All of it is torn down with the file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { OssClient } from '../../lib/client.js';
import { startMockServer, type MockCredential, type MockServer } from '../../lib/mock-server/index.js';

export interface CliSetup {
  server: MockServer;
  /** A fresh temp dir, removed at teardown; HOME of the child. */
  work: string;
  client: OssClient;
  /** OSS_ENDPOINT, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and HOME, for runCli. */
  env: Record<string, string>;
}

/** `region`: the V4 scope region the mock requires (default: any). */
export async function startCliSetup(t: Test, options: { bucket: string; credentials: MockCredential; workPrefix?: string; region?: string }): Promise<CliSetup> {
  const { bucket, credentials } = options;
  const server = await startMockServer({ buckets: [bucket], credentials: [credentials], region: options.region });
  const work = await mkdtemp(join(tmpdir(), options.workPrefix ?? 'oss-resumable-cli-'));
  const client = new OssClient({ endpoint: server.url, credentials, bucket });
  t.teardown(async () => {
    await client.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  });
  const env = {
    OSS_ENDPOINT: server.url,
    OSS_ACCESS_KEY_ID: credentials.accessKeyId,
    OSS_ACCESS_KEY_SECRET: credentials.accessKeySecret,
    HOME: work,
  };
  return { server, work, client, env };
}
