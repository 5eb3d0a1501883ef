// What every command receives, and the shared connect-run-close wrapper for commands that talk to OSS.
import { OssClient } from '../client.js';
import type { ClientSettings } from './config.js';
import type { CliIo } from './output.js';

export interface CommandContext {
  io: CliIo;
  /** How the user runs this CLI ('oss-resumable', or 'node dist/cli/main.js'), for commands we print. */
  program: string;
  /** Registers a Ctrl-C handler for the command's lifetime; returns the function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export type Command = (argv: string[], context: CommandContext) => Promise<number>;

/** Runs `work` with a client for `settings` and closes its connections afterwards, whatever happens. */
export async function withClient<T>(settings: ClientSettings, work: (client: OssClient) => Promise<T>): Promise<T> {
  const client = new OssClient(settings);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
