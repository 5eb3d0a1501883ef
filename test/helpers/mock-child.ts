// The mock OSS server as a child process (`oss-resumable serve` from dist/), so a test can do to
// it what an outage does to a real service: kill it and start it again on the same port and data
// dir, or freeze it (SIGSTOP: the kernel still accepts connections, nothing answers) and thaw it.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import { CLI_PATH } from './cli-child.js';

export interface MockChildOptions {
  bucket: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  dataDir: string;
  /** Extra `serve` flags, e.g. ['--latency-ms', '100', '--fault', 'UploadPart#2:stall:30000']. */
  args?: string[];
  /** Run it under `ulimit -n` this many open files (through bash, which then execs node). */
  openFileLimit?: number;
}

export interface MockChild {
  url: string;
  port: number;
  /** SIGKILL (a crash, or a host that went away); resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  freeze(): void;
  thaw(): void;
  /** What the process wrote on stderr so far (its log, with --log). */
  stderr(): string;
}

/** Starts the server (port 0: a free one); the test's teardown ends it. */
export async function startMockChild(t: Test, options: MockChildOptions): Promise<MockChild> {
  let child: ChildProcess | undefined;
  let port = 0;
  let stderr = '';
  const start = async (): Promise<void> => {
    const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', options.dataDir, '--bucket', options.bucket, ...(options.args ?? [])];
    const command = [process.execPath, CLI_PATH, ...args];
    const limited = options.openFileLimit === undefined ? command : ['bash', '-c', `ulimit -n ${options.openFileLimit} && exec "$@"`, 'bash', ...command];
    const spawned = spawn(limited[0]!, limited.slice(1), {
      env: { PATH: process.env['PATH'] ?? '', OSS_ACCESS_KEY_ID: options.credentials.accessKeyId, OSS_ACCESS_KEY_SECRET: options.credentials.accessKeySecret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    spawned.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      spawned.stdout!.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
      spawned.once('exit', (code) => reject(new Error(`the mock server exited (${code}) before listening: ${stderr}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT'); // a frozen process must run to die of SIGKILL's cleanup
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  t.teardown(kill);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    stderr: () => stderr,
  };
}
