// `bench --local`: the mock OSS server with a long-link model (a latency before every answer and
// one bandwidth shared by all connections, so a connection waiting for its answer leaves the
// link to the others, as on a real link), started for the bench and stopped after it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MOCK_CREDENTIALS } from '../mock-server/index.js';
import type { Credentials } from '../signer/types.js';

export const LOCAL_BUCKET = 'bench-local';
/** How long the child may take to listen. */
const START_TIMEOUT_MS = 15_000;

export interface LocalLink {
  latencyMs: number;
  bandwidthBytesPerSec: number;
}

export interface LocalMock {
  url: string;
  bucket: string;
  credentials: Credentials;
  close(): Promise<void>;
}

export async function startLocalMock(link: LocalLink): Promise<LocalMock> {
  const script = fileURLToPath(new URL('./local-mock-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, LOCAL_BUCKET, String(link.latencyMs), String(link.bandwidthBytesPerSec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the local mock server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', fail);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(new Error(`the local mock server exited before it listened (${signal ?? `exit code ${code}`})`));
    child.once('exit', onExit);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening on (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]!);
    });
  });
  return {
    url,
    bucket: LOCAL_BUCKET,
    credentials: { ...DEFAULT_MOCK_CREDENTIALS },
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
